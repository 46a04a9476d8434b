import { join } from 'node:path';
import { build } from 'esbuild';
import { KmsEmulatorServer } from '../../src/kms';
import { FunctionPool, memoryArgs } from '../../src/lambda';
import { collectingSink, removeFixtures, scratchDir, specFor, writeFunction } from './fixtures';

const pools: FunctionPool[] = [];
const HOST_SECRET = 'host-secret';

function poolOf(assetDir: string, environment: Record<string, string>, memorySize = 256): FunctionPool {
  const pool = new FunctionPool(specFor(assetDir, { environment, memorySize }), {
    sink: collectingSink().sink,
  });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
  removeFixtures();
});

describe('Function: workerLaunch', () => {
  it("gives the function its spec's environment and Lambda's reserved variables, nothing of the host's", async () => {
    const saved = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = HOST_SECRET;
    process.env.HOME_TOKEN_FOR_TEST = HOST_SECRET;
    try {
      const asset = writeFunction('exports.handler = async () => ({ ...process.env });');
      const pool = poolOf(asset, {
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'vault-dev',
        AWS_ACCESS_KEY_ID: 'AKIAROLE',
      });

      const result = await pool.invoke({});

      expect(result.ok).toBe(true);
      const env = (result as { payload: Record<string, string> }).payload;
      expect(Object.values(env)).not.toContain(HOST_SECRET);
      expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
      expect(env).not.toHaveProperty('HOME');
      expect(env).toMatchObject({
        TABLE_NAME: 'vault-dev',
        AWS_ACCESS_KEY_ID: 'AKIAROLE',
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: 'kmsvault-dev-echo',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/kmsvault-dev-echo',
        LAMBDA_TASK_ROOT: asset,
        _HANDLER: 'index.handler',
        TZ: ':UTC',
        PATH: process.env.PATH,
      });
      const expected = [
        'AWS_ACCESS_KEY_ID',
        'AWS_DEFAULT_REGION',
        'AWS_EXECUTION_ENV',
        'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
        'AWS_LAMBDA_FUNCTION_NAME',
        'AWS_LAMBDA_FUNCTION_VERSION',
        'AWS_LAMBDA_INITIALIZATION_TYPE',
        'AWS_LAMBDA_LOG_GROUP_NAME',
        'AWS_LAMBDA_LOG_STREAM_NAME',
        'AWS_REGION',
        'LAMBDA_RUNTIME_DIR',
        'LAMBDA_TASK_ROOT',
        'LANG',
        'NODE_PATH',
        'PATH',
        'TABLE_NAME',
        'TZ',
        '_HANDLER',
        // Only where the host's Node is older than the Node 24 it stands in for.
        ...(Number(process.versions.node.split('.')[0]) < 22
          ? ['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']
          : []),
      ];
      expect(Object.keys(env).sort()).toEqual(expected.sort());
    } finally {
      if (saved === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved;
      delete process.env.HOME_TOKEN_FOR_TEST;
    }
  });

  it("starts node with Lambda's heap limits for the function's memory, and none of the host's flags", async () => {
    const asset = writeFunction('exports.handler = async () => process.execArgv;');
    const pool = poolOf(asset, {}, 512);

    await expect(pool.invoke({})).resolves.toEqual({
      ok: true,
      payload: ['--max-semi-space-size=25', '--max-old-space-size=461'],
    });
  });

  it("keeps the function's own heap flags from NODE_OPTIONS", () => {
    expect(memoryArgs(1024, '--enable-source-maps --max-old-space-size=900')).toEqual([]);
    expect(memoryArgs(1024, '--enable-source-maps')).toEqual([
      '--max-semi-space-size=51',
      '--max-old-space-size=922',
    ]);
  });
});

describe('Function bundles and the AWS SDK', () => {
  let kms: KmsEmulatorServer;

  beforeAll(async () => {
    kms = new KmsEmulatorServer();
    await kms.start();
  });

  afterAll(async () => {
    await kms.stop();
  });

  it('reaches a local KMS through AWS_ENDPOINT_URL_KMS alone, from a bundle built as CDK builds it', async () => {
    // As the Vault's function bundles are built (infra/scripts/bundle-functions.ts): esbuild, CommonJS, @aws-sdk/* left to the runtime.
    const asset = scratchDir();
    await build({
      stdin: {
        contents: `
          import { GenerateRandomCommand, KMSClient } from '@aws-sdk/client-kms';
          import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
          const kms = new KMSClient({});
          export const handler = async () => {
            const out = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 16 }));
            return { bytes: out.Plaintext?.length, documentClient: typeof DynamoDBDocumentClient };
          };
        `,
        loader: 'ts',
        resolveDir: __dirname,
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@aws-sdk/*'],
      outfile: join(asset, 'index.js'),
      logLevel: 'silent',
    });
    const pool = poolOf(asset, {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_KMS: kms.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIALOCALROLE0000000',
      AWS_SECRET_ACCESS_KEY: 'local-role-secret',
    });
    kms.resetStats();

    const result = await pool.invoke({});

    expect(result).toEqual({ ok: true, payload: { bytes: 16, documentClient: 'function' } });
    expect(kms.stats().calls).toEqual({ GenerateRandom: 1 });
  });
});
