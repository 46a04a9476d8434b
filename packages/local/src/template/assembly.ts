import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TemplateError } from './types';

/** The stack the local cloud runs unless told otherwise. */
export const DEFAULT_STACK_NAME = 'Kmsvault-dev';

/** One stack of a CDK cloud assembly (`cdk.out`), as the loader needs it. */
export interface AssemblyStack {
  readonly assemblyDir: string;
  readonly stackName: string;
  /** Absolute path of the template file. */
  readonly templateFile: string;
  /** SHA-256 (hex) of the template file's bytes. */
  readonly templateHash: string;
  readonly template: Readonly<Record<string, unknown>>;
  readonly account: string;
  readonly region: string;
  /** The role CloudFormation deploys with: the principal that creates the keys (`${AWS::Partition}` resolved to `aws`). */
  readonly deployerRoleArn: string;
  /** The role the CDK CLI assumes to start a deployment, when the manifest names one. */
  readonly assumeRoleArn?: string;
  /** File assets by hash (the S3 object key without `.zip`) → absolute directory (or file) in the assembly. */
  readonly assets: ReadonlyMap<string, string>;
}

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly properties?: Record<string, unknown>;
  readonly dependencies?: readonly string[];
}

/**
 * Reads a stack artifact from a cloud assembly: `manifest.json` → the stack's
 * template, environment (`aws://ACCOUNT/REGION`), deployment roles and its
 * asset manifest. Errors name the file or stack that is missing.
 */
export function readAssembly(assemblyDir: string, stackName: string = DEFAULT_STACK_NAME): AssemblyStack {
  const dir = resolve(assemblyDir);
  const manifest = readJson(join(dir, 'manifest.json'), stackName) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const artifact = artifacts[stackName];
  if (artifact?.type !== 'aws:cloudformation:stack') {
    const stacks = Object.entries(artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name]) => name);
    throw new TemplateError(
      stackName,
      `no such stack in ${dir}/manifest.json (stacks: ${stacks.join(', ') || 'none'})`,
    );
  }
  const props = artifact.properties ?? {};
  const templateFile = join(dir, String(props.templateFile ?? `${stackName}.template.json`));
  if (!existsSync(templateFile))
    throw new TemplateError(stackName, `template file ${templateFile} is missing`);
  const bytes = readFileSync(templateFile);
  const template = parse(bytes.toString('utf8'), templateFile, stackName) as Record<string, unknown>;
  const { account, region } = parseEnvironment(artifact.environment, stackName);
  const partition = 'aws';
  const deployer = props.cloudFormationExecutionRoleArn ?? props.assumeRoleArn;
  const deployerRoleArn =
    typeof deployer === 'string'
      ? substitutePlaceholders(deployer, { partition, account, region })
      : `arn:${partition}:iam::${account}:root`;
  const assumeRoleArn =
    typeof props.assumeRoleArn === 'string'
      ? substitutePlaceholders(props.assumeRoleArn, { partition, account, region })
      : undefined;
  return {
    assemblyDir: dir,
    stackName,
    templateFile,
    templateHash: createHash('sha256').update(bytes).digest('hex'),
    template,
    account,
    region,
    deployerRoleArn,
    ...(assumeRoleArn !== undefined ? { assumeRoleArn } : {}),
    assets: readAssets(dir, artifacts, artifact, stackName),
  };
}

function readAssets(
  dir: string,
  artifacts: Record<string, ManifestArtifact>,
  stack: ManifestArtifact,
  stackName: string,
): Map<string, string> {
  const assets = new Map<string, string>();
  const manifests = (stack.dependencies ?? [])
    .map((id) => artifacts[id])
    .filter((a): a is ManifestArtifact => a?.type === 'cdk:asset-manifest')
    .map((a) => String(a.properties?.file));
  const fallback = `${stackName}.assets.json`;
  if (manifests.length === 0 && existsSync(join(dir, fallback))) manifests.push(fallback);
  for (const file of manifests) {
    const content = readJson(join(dir, file), stackName) as {
      files?: Record<string, { source?: { path?: string } }>;
    };
    for (const [hash, asset] of Object.entries(content.files ?? {})) {
      if (typeof asset.source?.path === 'string') assets.set(hash, join(dir, asset.source.path));
    }
  }
  return assets;
}

function parseEnvironment(
  environment: string | undefined,
  stackName: string,
): { account: string; region: string } {
  const match = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment ?? '');
  if (match === null)
    throw new TemplateError(stackName, `environment ${environment} is not aws://ACCOUNT/REGION`);
  const [, account, region] = match as unknown as [string, string, string];
  if (account.startsWith('unknown-') || region.startsWith('unknown-')) {
    throw new TemplateError(
      stackName,
      `environment ${environment} is not concrete: give the stack an account and region (env) so the local cloud can name its ARNs`,
    );
  }
  return { account, region };
}

/** Replaces the CDK manifest placeholders `${AWS::Partition}`, `${AWS::AccountId}`, `${AWS::Region}`. */
function substitutePlaceholders(
  value: string,
  env: { partition: string; account: string; region: string },
): string {
  const values: Record<string, string> = {
    Partition: env.partition,
    AccountId: env.account,
    Region: env.region,
  };
  return value.replace(
    /\$\{AWS::(Partition|AccountId|Region)\}/g,
    (_, name: string) => values[name] as string,
  );
}

function readJson(file: string, stackName: string): unknown {
  if (!existsSync(file)) throw new TemplateError(stackName, `${file} is missing: synthesize the app first`);
  return parse(readFileSync(file, 'utf8'), file, stackName);
}

function parse(text: string, file: string, stackName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TemplateError(stackName, `${file} is not JSON: ${(err as Error).message}`);
  }
}
