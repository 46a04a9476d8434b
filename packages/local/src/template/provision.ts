import { readAssembly } from './assembly';
import type { Collected, ProvisionContext, ResourceHandler } from './context';
import { creationOrder, type DeclaredResource, declaredResources } from './graph';
import { IntrinsicResolver, NO_VALUE, type ResolvedResource } from './intrinsics';
import { resolveParameters } from './parameters';
import { notRunReason, placeholderResource, shortId } from './physical';
import type { KeyProvider, TableProvider } from './providers';
import { assembleRestApis, provisionApiPiece } from './resources/apigateway';
import { assembleDistributions, provisionCloudFrontPiece } from './resources/cloudfront';
import { provisionTable } from './resources/dynamodb';
import { assembleRoles, provisionManagedPolicy, provisionPolicy, provisionRole } from './resources/iam';
import { provisionAlias, provisionKey } from './resources/kms';
import { provisionFunction } from './resources/lambda';
import { StackState } from './state';
import { type LocalTemplate, type StackEnvironment, TemplateError } from './types';

export interface LoadTemplateOptions {
  /** The cloud assembly directory (cdk.out). */
  readonly assemblyDir: string;
  /** @default 'Kmsvault-dev' */
  readonly stackName?: string;
  /** Values for the template's parameters (CloudFormation's --parameters). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Values of SSM parameters that `AWS::SSM::Parameter::Value<…>` parameters name. CDK's bootstrap version has a local default. */
  readonly ssmParameters?: Readonly<Record<string, string>>;
  /** The stack state file (logical id → key id); in memory when absent, so every load creates new keys. */
  readonly statePath?: string;
  /** Creates the template's keys and aliases (the KMS emulator, as the deployer). */
  readonly keys: KeyProvider;
  /** Creates the template's tables (DynamoDB Local). */
  readonly tables: TableProvider;
}

/** The resource types the local cloud runs, and who provisions them. */
const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'AWS::DynamoDB::Table': provisionTable,
  'AWS::KMS::Key': provisionKey,
  'AWS::KMS::Alias': provisionAlias,
  'AWS::IAM::Role': provisionRole,
  'AWS::IAM::Policy': provisionPolicy,
  'AWS::IAM::ManagedPolicy': provisionManagedPolicy,
  'AWS::Lambda::Function': provisionFunction,
  'AWS::CloudFront::Distribution': provisionCloudFrontPiece,
  'AWS::CloudFront::ResponseHeadersPolicy': provisionCloudFrontPiece,
  ...Object.fromEntries(
    [
      'RestApi',
      'Resource',
      'Method',
      'Deployment',
      'Stage',
      'Authorizer',
      'RequestValidator',
      'Model',
      'GatewayResponse',
    ].map((t) => [`AWS::ApiGateway::${t}`, provisionApiPiece]),
  ),
};

/**
 * A local CloudFormation: reads the stack from the cloud assembly, creates
 * its resources in dependency order (keys in the KMS emulator, tables in
 * DynamoDB Local; roles, functions, the REST API and distributions as
 * models for the other parts of the local cloud), resolves every intrinsic
 * to the local physical ids, and returns the LocalTemplate. Resources it
 * does not run get stable Ref/Arn values so references to them resolve, and
 * are listed in `unsupported` with the reason.
 */
export async function loadTemplate(options: LoadTemplateOptions): Promise<LocalTemplate> {
  const assembly = readAssembly(options.assemblyDir, options.stackName);
  const { template, stackName } = assembly;
  if (template.Transform !== undefined) {
    throw new TemplateError(stackName, 'template transforms (SAM, macros) are not expanded locally');
  }
  const environment: StackEnvironment = {
    stackName,
    account: assembly.account,
    region: assembly.region,
    partition: 'aws',
    stackId: stackIdOf(stackName, assembly.account, assembly.region),
    deployerRoleArn: assembly.deployerRoleArn,
  };
  const parameters = resolveParameters(template, options.parameters, options.ssmParameters);
  const declared = declaredResources(template);
  const byId = new Map<string, DeclaredResource>(declared.map((r) => [r.logicalId, r]));
  const provisioned = new Map<string, { type: string; physical: ResolvedResource }>();
  const resolver = new IntrinsicResolver({
    environment,
    parameters: parameters.values,
    mappings: template.Mappings as never,
    conditions: template.Conditions as never,
    declared: (id) => byId.get(id),
    resource: (id) => provisioned.get(id)?.physical,
  });
  const collected: Collected = {
    tables: [],
    keys: [],
    aliases: [],
    roles: [],
    policies: [],
    functions: [],
    pieces: [],
    unsupported: [],
  };
  const ctx: ProvisionContext = {
    env: environment,
    assembly,
    resolver,
    keys: options.keys,
    tables: options.tables,
    state: StackState.load(options.statePath, stackName),
    collected,
    provisioned,
  };
  for (const r of creationOrder(declared)) {
    if (r.condition !== undefined && !resolver.condition(r.condition, r.logicalId)) continue;
    const resolved = resolver.resolve(r.properties, r.logicalId) as Record<string, unknown>;
    const handler = HANDLERS[r.type];
    let physical: ResolvedResource;
    if (handler !== undefined) {
      try {
        physical = await handler(ctx, { ...r, resolved });
      } catch (err) {
        // As CloudFormation's stack events: the resource that failed, and what the service said.
        if (err instanceof TemplateError) throw err;
        const { name, message } = err as Error;
        throw new TemplateError(r.logicalId, `${r.type} failed to create: ${name}: ${message}`);
      }
    } else {
      physical = placeholderResource(environment, r.logicalId, r.type);
      collected.unsupported.push({ logicalId: r.logicalId, type: r.type, reason: notRunReason(r.type) });
    }
    provisioned.set(r.logicalId, { type: r.type, physical });
  }
  const lookup = (id: string): ResolvedResource => {
    const found = provisioned.get(id);
    if (found === undefined) throw new TemplateError(id, 'resource is not provisioned');
    return found.physical;
  };
  const restApis = assembleRestApis(collected, lookup);
  return {
    environment,
    templateFile: assembly.templateFile,
    templateHash: assembly.templateHash,
    parameters: parameters.strings,
    tables: collected.tables,
    keys: collected.keys,
    aliases: collected.aliases,
    roles: assembleRoles(collected),
    functions: collected.functions,
    restApis,
    distributions: assembleDistributions(ctx, restApis),
    outputs: resolveOutputs(template, resolver),
    unsupported: collected.unsupported,
  };
}

function resolveOutputs(
  template: Readonly<Record<string, unknown>>,
  resolver: IntrinsicResolver,
): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(
    (template.Outputs ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (typeof output.Condition === 'string' && !resolver.condition(output.Condition, name)) continue;
    const value = resolver.resolve(output.Value, name);
    if (value === NO_VALUE) continue;
    outputs[name] = Array.isArray(value)
      ? value.join(',')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return outputs;
}

/** `arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/<uuid>`, the uuid derived from the stack, so it is stable. */
function stackIdOf(stackName: string, account: string, region: string): string {
  const h = shortId(['stack', account, region, stackName], 32, '0123456789abcdef');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${uuid}`;
}
