import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAssembly, readAssembly } from '../../src/template';
import { ROOT } from './fixtures';

/**
 * A workspace with a tiny real CDK app (aws-cdk-lib from this workspace,
 * the workspace's CDK CLI), so each synth takes seconds. The app appends a
 * line to `synth-count` each time it runs.
 */
function tinyWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'kmsvault-synth-'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'infra'));
  writeFileSync(join(root, 'cdk.json'), JSON.stringify({ app: 'node infra/app.js' }));
  writeFileSync(
    join(root, 'infra', 'app.js'),
    [
      `const { appendFileSync } = require('node:fs');`,
      `appendFileSync(${JSON.stringify(join(root, 'synth-count'))}, 'synth\\n');`,
      `const cdk = require(${JSON.stringify(join(ROOT, 'infra', 'node_modules', 'aws-cdk-lib'))});`,
      'const app = new cdk.App();',
      `const stack = new cdk.Stack(app, 'Tiny-' + app.node.tryGetContext('env'), { env: { account: '123456789012', region: 'eu-west-1' } });`,
      `new cdk.CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic', properties: { TopicName: require('./name.json') } });`,
      'app.synth();',
    ].join('\n'),
  );
  writeFileSync(join(root, 'infra', 'name.json'), JSON.stringify('first'));
  return root;
}

const synthCount = (root: string) =>
  existsSync(join(root, 'synth-count'))
    ? readFileSync(join(root, 'synth-count'), 'utf8').split('\n').length - 1
    : 0;

describe('Function: ensureAssembly', () => {
  const roots: string[] = [];
  const workspace = () => {
    roots.push(tinyWorkspace());
    return roots.at(-1) as string;
  };
  const options = (root: string) => ({ root, stackName: 'Tiny-dev', context: { env: 'dev' } });

  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('synthesizes when there is no stamp, then reuses the assembly while the sources are unchanged', async () => {
    const root = workspace();

    const first = await ensureAssembly(options(root));
    const second = await ensureAssembly(options(root));

    expect(first).toMatchObject({
      reused: false,
      reason: 'synthesized (no synth stamp in the outdir)',
      outdir: join(root, 'cdk.out'),
    });
    expect(second).toMatchObject({
      reused: true,
      reason: 'cdk.out is up to date',
      sourceHash: first.sourceHash,
    });
    expect(synthCount(root)).toBe(1);
    expect(readAssembly(first.outdir, 'Tiny-dev')).toMatchObject({
      account: '123456789012',
      region: 'eu-west-1',
    });
  }, 120_000);

  it('synthesizes again when a source file changed', async () => {
    const root = workspace();
    await ensureAssembly(options(root));
    writeFileSync(join(root, 'infra', 'name.json'), JSON.stringify('second'));

    const again = await ensureAssembly(options(root));

    expect(again).toMatchObject({
      reused: false,
      reason: 'synthesized (sources changed since the last synth)',
    });
    expect(synthCount(root)).toBe(2);
    const { template } = readAssembly(again.outdir, 'Tiny-dev');
    expect(JSON.stringify(template)).toContain('"TopicName":"second"');
  }, 120_000);

  it('runs one synth when callers ask at the same time, the others wait and reuse it', async () => {
    const root = workspace();

    const results = await Promise.all([
      ensureAssembly(options(root)),
      ensureAssembly(options(root)),
      ensureAssembly(options(root)),
    ]);

    expect(synthCount(root)).toBe(1);
    expect(results.filter((r) => !r.reused)).toHaveLength(1);
    expect(results.filter((r) => r.reused).map((r) => r.reason)).toEqual([
      'cdk.out was synthesized by another process',
      'cdk.out was synthesized by another process',
    ]);
    expect(existsSync(join(root, 'cdk.out.lock'))).toBe(false);
  }, 120_000);

  it('throws with the CDK output when the app fails, and leaves no lock behind', async () => {
    const root = workspace();
    writeFileSync(join(root, 'infra', 'name.json'), '{ not json');

    await expect(ensureAssembly(options(root))).rejects.toThrow(
      /cdk synth Tiny-dev failed \(exit \d+\):[\s\S]*name\.json/,
    );
    expect(existsSync(join(root, 'cdk.out.lock'))).toBe(false);
  }, 120_000);
});
