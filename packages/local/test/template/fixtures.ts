import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type EnsuredAssembly, ensureAssembly } from '../../src/template';

/** The workspace root. */
export const ROOT = resolve(__dirname, '../../../..');

/**
 * The dev stack synthesized from this workspace into a temp outdir shared by
 * the template tests (ensureAssembly reuses it while the sources are unchanged).
 */
export function devAssembly(): Promise<EnsuredAssembly> {
  const id = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  return ensureAssembly({ root: ROOT, outdir: join(tmpdir(), `kmsvault-template-test-${id}`, 'cdk.out') });
}

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';

/**
 * A cloud assembly written by hand, shaped as CDK writes one: manifest.json
 * with the stack artifact and its asset manifest, the template, and an asset
 * directory (with an index.js) per hash in `assets` (`false`: in the asset
 * manifest but missing on disk).
 */
export function writeAssembly(
  template: Record<string, unknown>,
  options: { readonly stackName?: string; readonly assets?: Readonly<Record<string, boolean>> } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-assembly-'));
  const stackName = options.stackName ?? 'Test-dev';
  const files: Record<string, unknown> = {};
  for (const [hash, present] of Object.entries(options.assets ?? {})) {
    files[hash] = { source: { path: `asset.${hash}`, packaging: 'zip' }, destinations: {} };
    if (present) {
      mkdirSync(join(dir, `asset.${hash}`));
      writeFileSync(join(dir, `asset.${hash}`, 'index.js'), 'exports.handler = async () => ({});\n');
    }
  }
  writeFileSync(join(dir, `${stackName}.assets.json`), JSON.stringify({ version: '55.0.0', files }));
  writeFileSync(join(dir, `${stackName}.template.json`), JSON.stringify(template));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      version: '55.0.0',
      artifacts: {
        [`${stackName}.assets`]: {
          type: 'cdk:asset-manifest',
          properties: { file: `${stackName}.assets.json` },
        },
        [stackName]: {
          type: 'aws:cloudformation:stack',
          environment: `aws://${ACCOUNT}/${REGION}`,
          properties: {
            templateFile: `${stackName}.template.json`,
            assumeRoleArn: `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-deploy-role`,
            cloudFormationExecutionRoleArn: `arn:\${AWS::Partition}:iam::${ACCOUNT}:role/cdk-cfn-exec-role`,
          },
          dependencies: [`${stackName}.assets`],
        },
      },
    }),
  );
  return dir;
}

/** Every path in `value` at which an unresolved intrinsic (`Ref`, `Fn::*`) is left. */
export function unresolvedIntrinsics(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unresolvedIntrinsics(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'Ref' || k.startsWith('Fn::') ? [`${path}.${k}`] : unresolvedIntrinsics(v, `${path}.${k}`),
  );
}
