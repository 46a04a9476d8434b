import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvisionContext, ResolvedDeclaration, ResourceHandler } from '../context';
import { generatedName, physical } from '../physical';
import { type FunctionResource, TemplateError } from '../types';
import { obj, optNum, optStr, str } from './props';

/**
 * AWS::Lambda::Function → a function the workers run: its bundled asset in
 * cdk.out (the very files CDK uploads), handler, runtime, memory, timeout,
 * resolved environment and role.
 */
export const provisionFunction: ResourceHandler = (ctx, r) => {
  const p = r.resolved;
  const { partition, region, account } = ctx.env;
  const functionName = optStr(p, 'FunctionName') ?? generatedName(ctx.env, r.logicalId, 64);
  const arn = `arn:${partition}:lambda:${region}:${account}:function:${functionName}`;
  const variables = obj(obj(p, 'Environment'), 'Variables');
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value !== null && typeof value === 'object') {
      throw new TemplateError(r.logicalId, `environment variable ${name} did not resolve to a string`);
    }
    environment[name] = String(value);
  }
  const fn: FunctionResource = {
    logicalId: r.logicalId,
    functionName,
    arn,
    assetDir: assetDir(ctx, r),
    handler: str(p, 'Handler', r.logicalId),
    runtime: str(p, 'Runtime', r.logicalId),
    memorySize: optNum(p, 'MemorySize', r.logicalId) ?? 128,
    timeoutSeconds: optNum(p, 'Timeout', r.logicalId) ?? 3,
    environment,
    roleArn: str(p, 'Role', r.logicalId),
  };
  ctx.collected.functions.push(fn);
  return physical(functionName, { Arn: arn });
};

/** The asset directory: by the S3 key's hash in the asset manifest, else the `aws:asset:path` metadata. */
function assetDir(ctx: ProvisionContext, r: ResolvedDeclaration): string {
  const code = obj(r.resolved, 'Code');
  if (code.ZipFile !== undefined)
    throw new TemplateError(r.logicalId, 'inline code (Code.ZipFile) is not run locally');
  if (code.ImageUri !== undefined)
    throw new TemplateError(r.logicalId, 'container images (Code.ImageUri) are not run locally');
  const key = optStr(code, 'S3Key');
  const hash = key?.replace(/\.[^.]+$/, '');
  const fromManifest = hash !== undefined ? ctx.assembly.assets.get(hash) : undefined;
  const metadataPath = r.metadata['aws:asset:path'];
  const dir =
    fromManifest ??
    (typeof metadataPath === 'string' ? join(ctx.assembly.assemblyDir, metadataPath) : undefined);
  if (dir === undefined) {
    throw new TemplateError(
      r.logicalId,
      `no asset for the function's code (S3Key ${key}) in the asset manifest`,
    );
  }
  if (!existsSync(dir))
    throw new TemplateError(r.logicalId, `asset directory ${dir} is missing: synthesize again`);
  return dir;
}
