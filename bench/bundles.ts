import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { median } from './stats';

const ROOT = resolve(__dirname, '..');

/** The environment the functions read at load (values only need the right shape). */
const ENV = {
  TABLE_NAME: 'bench-table',
  IDEMPOTENCY_TABLE_NAME: 'bench-idempotency',
  VAULT_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001',
  PASSWORD_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000002',
  SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000003',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Bundles an entry as the construct does (esbuild, minified, CommonJS, the
 * AWS SDK v3 left to the Lambda runtime, as NodejsFunction does for Node 18+).
 */
export function bundle(name: string, entry: string): string {
  // Inside core, whose dependencies hold every AWS SDK package the functions use.
  const outdir = join(ROOT, 'packages', 'core', '.bench');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${name}.js`);
  buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Median module load time of a bundle in fresh Node processes. */
export function loadMs(file: string, runs = 15): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(
      Number(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ...ENV } }).toString()),
    );
  }
  return Math.round(median(samples) * 10) / 10;
}

export function benchBundles(): {
  bundles: Record<string, { bytes: number; load_ms: number }>;
  baseline_load_ms: number;
  sdk_load_ms: number;
} {
  const baselineEntry = join(ROOT, 'packages', 'core', '.bench', 'empty.ts');
  mkdirSync(join(ROOT, 'packages', 'core', '.bench'), { recursive: true });
  writeFileSync(baselineEntry, 'export const handler = async () => ({});\n');
  const baselineFile = bundle('baseline', baselineEntry);
  const baseline_load_ms = loadMs(baselineFile);
  // What the AWS SDK clients alone cost to load (the runtime provides them; every function makes them).
  const sdkEntry = join(ROOT, 'packages', 'core', '.bench', 'sdk.ts');
  writeFileSync(
    sdkEntry,
    "import { KMSClient } from '@aws-sdk/client-kms';\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const clients = [new KMSClient({}), DynamoDBDocumentClient.from(new DynamoDBClient({}))];\n",
  );
  const sdk_load_ms = loadMs(bundle('sdk', sdkEntry));
  const bundles: Record<string, { bytes: number; load_ms: number }> = {};
  for (const [name, pkg] of [
    ['auth', 'lambda-auth'],
    ['secrets', 'lambda-secrets'],
    ['authorizer', 'lambda-authorizer'],
  ] as const) {
    const file = bundle(name, join(ROOT, 'packages', pkg, 'src', 'lambda.ts'));
    bundles[name] = { bytes: statSync(file).size, load_ms: loadMs(file) };
  }
  return { bundles, baseline_load_ms, sdk_load_ms };
}
