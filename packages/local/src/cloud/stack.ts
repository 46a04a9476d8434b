import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { configFromEnv, type VaultConfig } from '@kmsvault/core';
import { buildWeb } from '@kmsvault/web';
import { localDynamoDbClient, localKmsClient } from '../clients';
import { DynamoDbLocal, DynamoDbProxy, TtlSweeper } from '../dynamodb';
import { CloudFrontDistribution, TemplateApiGateway, TemplateGatewayServer } from '../gateway';
import { authenticate, type RoleDescription } from '../iam';
import type { LocalPrincipal } from '../iam/types';
import { FileStateStore, KmsEmulatorServer, MemoryStateStore } from '../kms';
import { FunctionPool, LocalInvoker, type LogSink, stdoutSink } from '../lambda';
import {
  type AssemblyStack,
  ensureAssembly,
  type LocalTemplate,
  loadTemplate,
  readAssembly,
  SdkKeyProvider,
  SdkTableProvider,
} from '../template';
import {
  type ConfigOverrides,
  functionSpec,
  overrideEnvironment,
  type VaultFunctionName,
  vaultFunctions,
} from './functions';
import { type LocalJson, writeLocalJson } from './local-json';
import { localKeyAdminArn, StackIam } from './stack-iam';
import { bucketDirs, parametersFor, partitionKeys } from './wiring';

/** The workspace root: cdk.json, infra/ and packages/ live here. */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..', '..');

export interface LocalStackOptions {
  /** Where state lives; ignored when inMemory. @default '.kmsvault' */
  readonly dataDir?: string;
  /** Keep no state on disk (local.json is still written). @default false */
  readonly inMemory?: boolean;
  /** Port of the API and web vault; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** @default true */
  readonly writeLocalJson?: boolean;
  /**
   * A cloud assembly and stack to run. @default the dev stack, from cdk.out
   * when its sources have not changed since it was synthesized, else synthesized now
   */
  readonly assembly?: { readonly dir: string; readonly stackName: string };
  /** Values for the template's parameters; `KeyAdminArns` defaults to the local key administrator role. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Roles that exist before the deploy, besides the CDK execution role and the local key administrator. */
  readonly preExistingRoles?: readonly RoleDescription[];
  /** Settings on top of the template's (scrypt cost, backoff…), given to every function as environment variables. */
  readonly config?: ConfigOverrides;
  /** Environment variables for one function on top of its template's (to break one, say). */
  readonly functionEnvironment?: Partial<Record<VaultFunctionName, Readonly<Record<string, string>>>>;
  /** Function log level (POWERTOOLS_LOG_LEVEL). @default the template's */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Where the functions' log lines go. @default this process's stdout: JSON lines as they are, others prefixed with the function's name */
  readonly functionLogs?: LogSink;
  /** Workers per function before invocations queue. @default 4 */
  readonly maxWorkersPerFunction?: number;
}

/** Who a client acts as: a vault function's role, the deployer, or a role ARN of the template. */
export type Principal = VaultFunctionName | 'deployer' | `arn:${string}`;

export interface LocalStack {
  readonly info: LocalJson;
  /** The functions' configuration, as the auth function reads it from its environment. */
  readonly config: VaultConfig;
  readonly template: LocalTemplate;
  readonly kmsServer: KmsEmulatorServer;
  readonly dynamoDbLocal: DynamoDbLocal;
  /** KMS as the deployer (the CloudFormation execution role): key management, not key use. */
  readonly kms: KMSClient;
  /** DynamoDB Local directly, as the table's owner: what a table writer (or an attacker with write access) does. */
  readonly dynamodb: DynamoDBClient;
  readonly localJsonPath: string;
  /** A KMS client acting as one of the vault's function roles, the deployer, or any role of the template (by ARN). */
  kmsAs(who: Principal): KMSClient;
  /** A DynamoDB client through the authorizing proxy, acting as that principal. */
  dynamodbAs(who: Principal): DynamoDBClient;
  /** Stops DynamoDB Local (to inject an outage). */
  stopDynamoDb(): Promise<void>;
  /** Starts DynamoDB Local again on the same port and data directory. */
  restartDynamoDb(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The synthesized template, run on this machine: the KMS emulator with the
 * template's keys and key policies (every call authorized by the IAM
 * evaluator), DynamoDB Local with its tables behind an authorizing proxy,
 * each function as worker processes running its bundled asset from cdk.out
 * with its role's credentials, and the REST API (and CloudFront's
 * behaviours, where the template has a distribution) as deployed.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? '.kmsvault');
  const inMemory = options.inMemory ?? false;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { assembly, assemblyNote } = await resolveAssembly(options);

  const stops: (() => Promise<void>)[] = [];
  const clients: { destroy(): void }[] = [];
  const stopAll = async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  try {
    const iam = new StackIam(assembly, [
      { roleArn: localKeyAdminArn(assembly.account) },
      ...(options.preExistingRoles ?? []),
    ]);
    const kmsServer = new KmsEmulatorServer({
      store: inMemory ? new MemoryStateStore() : new FileStateStore(join(dataDir, 'kms.json')),
      region: assembly.region,
      account: assembly.account,
      iam,
    });
    await kmsServer.start();
    stops.push(() => kmsServer.stop());

    const ddbOptions = inMemory ? {} : { dataDir: join(dataDir, 'dynamodb') };
    let dynamoDbLocal = await DynamoDbLocal.start(ddbOptions);
    const ddbPort = dynamoDbLocal.port;
    stops.push(() => dynamoDbLocal.stop());

    const region = assembly.region;
    const as = (principal: LocalPrincipal) => ({ credentials: principal.credentials, region });
    const track = <T extends { destroy(): void }>(client: T): T => {
      clients.push(client);
      return client;
    };
    const deployerKms = track(localKmsClient(kmsServer.endpoint, as(iam.deployer)));
    const ownerDynamoDb = track(localDynamoDbClient(dynamoDbLocal.endpoint, { region }));

    const template = await loadTemplate({
      assemblyDir: assembly.assemblyDir,
      stackName: assembly.stackName,
      parameters: parametersFor(assembly, options.parameters),
      ...(inMemory ? {} : { statePath: join(dataDir, 'stack-state.json') }),
      keys: new SdkKeyProvider(deployerKms),
      tables: new SdkTableProvider(ownerDynamoDb),
    });
    iam.deploy(template);

    const proxy = new DynamoDbProxy({
      target: dynamoDbLocal.endpoint,
      authenticate: (req) => authenticate(req, iam),
      authorize: (req) => iam.authorize(req),
      region,
      account: assembly.account,
      partitionKeyOf: partitionKeys(template),
    });
    await proxy.start();
    stops.push(() => proxy.stop());

    const sweeper = new TtlSweeper({
      client: ownerDynamoDb,
      tables: template.tables.flatMap((t) =>
        t.ttlAttribute !== undefined ? [{ tableName: t.tableName, ttlAttribute: t.ttlAttribute }] : [],
      ),
    });
    sweeper.start();
    stops.push(() => sweeper.stop());

    const endpoints = { region, kms: kmsServer.endpoint, dynamodb: proxy.endpoint };
    const pools = new Map<string, FunctionPool>();
    const nameOf = new Map(
      Object.entries(vaultFunctions(template)).map(([name, fn]) => [fn.logicalId, name]),
    );
    for (const fn of template.functions) {
      const principal = iam.principalForRole(fn.roleArn);
      if (principal === undefined)
        throw new Error(`${fn.logicalId}: its role ${fn.roleArn} is not in the template`);
      const extra = {
        ...overrideEnvironment(fn.environment, options.config ?? {}),
        ...(options.logLevel !== undefined ? { POWERTOOLS_LOG_LEVEL: options.logLevel } : {}),
        ...(options.functionEnvironment?.[nameOf.get(fn.logicalId) as VaultFunctionName] ?? {}),
      };
      pools.set(
        fn.logicalId,
        new FunctionPool(functionSpec(fn, principal, endpoints, extra), {
          accountId: assembly.account,
          sink: options.functionLogs ?? stdoutSink,
          maxWorkers: options.maxWorkersPerFunction ?? 4,
        }),
      );
    }
    const invoker = new LocalInvoker(pools);
    stops.push(() => invoker.stop());
    await invoker.prewarm();

    const apis = template.restApis.map(
      (api) => new TemplateApiGateway({ api, invoker, region, accountId: assembly.account }),
    );
    const distribution = template.distributions[0];
    const webDir = distribution !== undefined ? await buildWeb() : undefined;
    const server = new TemplateGatewayServer({
      apis,
      ...(distribution !== undefined
        ? {
            distribution: new CloudFrontDistribution({
              distribution,
              apis,
              bucketDirs: bucketDirs(distribution, webDir as string),
            }),
          }
        : {}),
      port: options.port ?? 0,
    });
    await server.start();
    stops.push(() => server.stop());

    const byName = vaultFunctions(template);
    const auth = byName.auth;
    if (auth === undefined)
      throw new Error(`${assembly.stackName}: no auth function (POWERTOOLS_SERVICE_NAME kmsvault-auth)`);
    const config = configFromEnv({
      ...auth.environment,
      ...overrideEnvironment(auth.environment, options.config ?? {}),
      ...(options.functionEnvironment?.auth ?? {}),
    });
    const stage = apis[0]?.stageName;
    if (stage === undefined) throw new Error(`${assembly.stackName}: the template has no REST API stage`);
    const info: LocalJson = {
      apiUrl: `${server.url}/${stage}`,
      apiUrlKind: 'stage',
      ...(distribution !== undefined ? { webUrl: server.url } : {}),
      stackName: assembly.stackName,
      account: assembly.account,
      region,
      template: { file: template.templateFile, sha256: template.templateHash, assembly: assemblyNote },
      dynamodbEndpoint: proxy.endpoint,
      dynamodbLocalEndpoint: dynamoDbLocal.endpoint,
      kmsEndpoint: kmsServer.endpoint,
      tables: config.tables,
      keys: { vault: config.keys.vault, password: config.keys.password, signing: config.keys.signing },
      functions: Object.fromEntries(
        Object.entries(byName).map(([name, fn]) => {
          const principal = iam.principalForRole(fn.roleArn) as LocalPrincipal;
          return [name, { logicalId: fn.logicalId, roleArn: fn.roleArn, credentials: principal.credentials }];
        }),
      ),
      deployer: { roleArn: iam.deployer.roleArn, credentials: iam.deployer.credentials },
      notRun: template.unsupported,
    };
    const localJsonPath = join(dataDir, 'local.json');
    if (options.writeLocalJson ?? true) writeLocalJson(localJsonPath, info);

    const principalOf = (who: Principal): LocalPrincipal => {
      if (who === 'deployer') return iam.deployer;
      if (who.startsWith('arn:')) {
        const principal = iam.principalForRole(who);
        if (principal === undefined) throw new Error(`no role ${who} in the local cloud`);
        return principal;
      }
      const fn = byName[who as VaultFunctionName];
      if (fn === undefined) throw new Error(`the template has no ${who} function`);
      return iam.principalForRole(fn.roleArn) as LocalPrincipal;
    };
    return {
      info,
      config,
      template,
      kmsServer,
      get dynamoDbLocal() {
        return dynamoDbLocal;
      },
      kms: deployerKms,
      dynamodb: ownerDynamoDb,
      localJsonPath,
      kmsAs: (who) => track(localKmsClient(kmsServer.endpoint, as(principalOf(who)))),
      dynamodbAs: (who) => track(localDynamoDbClient(proxy.endpoint, as(principalOf(who)))),
      stopDynamoDb: () => dynamoDbLocal.stop(),
      restartDynamoDb: async () => {
        await dynamoDbLocal.stop();
        dynamoDbLocal = await DynamoDbLocal.start({ ...ddbOptions, port: ddbPort });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function resolveAssembly(
  options: LocalStackOptions,
): Promise<{ assembly: AssemblyStack; assemblyNote: string }> {
  if (options.assembly !== undefined) {
    return {
      assembly: readAssembly(options.assembly.dir, options.assembly.stackName),
      assemblyNote: `given: ${options.assembly.dir}`,
    };
  }
  const ensured = await ensureAssembly({ root: WORKSPACE_ROOT });
  return { assembly: readAssembly(ensured.outdir), assemblyNote: ensured.reason };
}
