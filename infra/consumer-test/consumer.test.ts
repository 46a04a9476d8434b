import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { call, startTestStack, type TestStack } from '@kmsvault/local/testing';
import { FileSystem } from 'aws-cdk-lib';

/**
 * The construct library as a platform team gets it: `pnpm pack` of
 * @kmsvault/cdk (after its jsii build), a new CDK app in a temporary
 * directory installed with plain npm from the registry (aws-cdk-lib,
 * constructs, cdk-nag) and the tarball, nothing from this workspace; its
 * TypeScript compiled against what npm installed, synthesized with cdk-nag's
 * packs, and its template run on the local stack.
 *
 * Tools, not packages, come from the workspace: this repository's TypeScript
 * compiler and `cdk` CLI, which the app's own devDependencies would be.
 */
const INFRA = join(__dirname, '..');
const WORKSPACE = join(INFRA, '..');
const FUNCTIONS = ['auth', 'secrets', 'authorizer'] as const;
const infraManifest = JSON.parse(readFileSync(join(INFRA, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const step = (what: string) => process.stdout.write(`consumer: ${what}\n`);

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** npm as a user runs it, with the workspace's own npm settings kept out of the way. */
function npm(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_workspaces: undefined, NODE_OPTIONS: undefined },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, skip: (name: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (skip(name)) continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

function packLibrary(into: string): string {
  const pnpm = process.env.npm_execpath;
  if (pnpm === undefined) throw new Error('run through pnpm: pnpm test:consumer');
  execFileSync(process.execPath, [pnpm, 'pack', '--pack-destination', into], { cwd: INFRA, stdio: 'ignore' });
  const tarball = readdirSync(into).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball into ${into}`);
  return join(into, tarball);
}

/** A new app directory: package.json with the peers at our tested versions, cdk-nag, and the tarball. */
function newApp(root: string, name: string, tarball: string, awsCdkLib: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `platform-${name}`,
        private: true,
        dependencies: {
          '@kmsvault/cdk': `file:${tarball}`,
          'aws-cdk-lib': awsCdkLib,
          constructs: infraManifest.devDependencies.constructs,
          'cdk-nag': infraManifest.devDependencies['cdk-nag'],
        },
      },
      null,
      2,
    ),
  );
  return dir;
}

/** The text of every JSON file of a cloud assembly (templates, manifests, the tree). */
function assemblyTexts(outdir: string): string[] {
  return filesUnder(outdir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(outdir, f), 'utf8'));
}

/** The S3 keys of the Lambda functions' code in the consumer's template. */
function deployedCode(outdir: string): (string | undefined)[] {
  const template = JSON.parse(readFileSync(join(outdir, 'PlatformVault.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: string } } }>;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => r.Properties.Code?.S3Key);
}

/** The asset keys of the bundles this repository's tests run (infra/assets), as CDK fingerprints them. */
const TESTED_CODE = FUNCTIONS.map((name) => `${FileSystem.fingerprint(join(INFRA, 'assets', name))}.zip`);

/** A consumer's cloud assembly has no path into @kmsvault sources, and deploys the function code we tested. */
function expectTestedCode(outdir: string): void {
  expect(assemblyTexts(outdir).filter((t) => /@kmsvault\/[a-z-]+\/src\b|packages\/lambda-/.test(t))).toEqual(
    [],
  );
  const deployed = deployedCode(outdir);
  for (const tested of TESTED_CODE) expect(deployed).toContain(tested);
}

/** `cdk synth` of the app in `dir` (its cdk.json), with the workspace's cdk CLI. */
function synth(dir: string, appCommand: string): string {
  const context = (JSON.parse(readFileSync(join(WORKSPACE, 'cdk.json'), 'utf8')) as { context: object })
    .context;
  // The feature flags `cdk init` writes for this CDK version: the same as this repository's.
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: appCommand, context }, null, 2));
  const outdir = join(dir, 'cdk.out');
  run(
    process.execPath,
    [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices', '-o', outdir],
    dir,
  );
  return outdir;
}

describe('@kmsvault/cdk installed from its tarball into a new CDK app', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmsvault-consumer-'));
  let app: string;
  let outdir: string;
  let tarball: string;
  let stack: TestStack | undefined;

  beforeAll(() => {
    tarball = packLibrary(root);
    step(`packed ${relative(root, tarball)}`);
    app = newApp(root, 'app', tarball, infraManifest.devDependencies['aws-cdk-lib'] as string);
    const install = npm(['install'], app);
    if (install.status !== 0) throw new Error(`npm install failed:\n${install.output}`);
    step('npm install done');
    for (const file of ['app.ts', 'tsconfig.json'])
      copyFileSync(join(__dirname, 'app', file), join(app, file));
    // The feature flags `cdk init` writes for this CDK version: the same as this repository's.
    const context = (JSON.parse(readFileSync(join(WORKSPACE, 'cdk.json'), 'utf8')) as { context: object })
      .context;
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'node dist/app.js', context }, null, 2));
    run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', app], app);
    step('tsc done');
    outdir = join(app, 'cdk.out');
    run(
      process.execPath,
      [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices', '-o', outdir],
      app,
    );
    step('cdk synth (with cdk-nag) done');
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('installs with no @kmsvault dependency but the package, no TypeScript sources, and one aws-cdk-lib', () => {
    const modules = join(app, 'node_modules');
    expect(readdirSync(join(modules, '@kmsvault'))).toEqual(['cdk']);
    const installed = filesUnder(join(modules, '@kmsvault', 'cdk'));
    expect(
      installed.filter((f) => f.startsWith('src/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
    ).toEqual([]);
    const copies = filesUnder(modules, (name) => name === 'lib' || name === '.bin').filter(
      (f) => f.endsWith('aws-cdk-lib/package.json') && !f.includes('/aws-cdk-lib/node_modules/'),
    );
    expect(copies).toEqual(['aws-cdk-lib/package.json']);
    const tree = npm(['ls', 'aws-cdk-lib', '--all', '--parseable'], app);
    expect(
      tree.output
        .trim()
        .split('\n')
        .filter((l) => l.endsWith('node_modules/aws-cdk-lib')),
    ).toEqual([join(modules, 'aws-cdk-lib')]);
  });

  it('synthesizes with no path into @kmsvault sources, deploying the prebuilt function assets this repository tested', () => {
    expectTestedCode(outdir);
  });

  it("runs on the template-driven local stack, where a user signs up and logs in through the consumer's API", async () => {
    stack = await startTestStack('consumer', {}, 'WARN', {
      assembly: { dir: outdir, stackName: 'PlatformVault' },
      writeLocalJson: false,
    });
    const api = stack.stack.info.apiUrl;
    const credentials = { username: 'platform-user', password: 'a long enough passphrase for the test' };
    const signup = await call(api, '/v1/auth/signup', { method: 'POST', body: credentials });
    expect(signup.status).toBe(201);
    const login = await call<{ accessToken: string }>(api, '/v1/auth/login', {
      method: 'POST',
      body: credentials,
    });
    expect(login.status).toBe(200);
    const list = await call<{ items: unknown[] }>(api, '/v1/secrets', { bearer: login.body.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
  });

  it('is refused by npm, naming the peer, in an app on an aws-cdk-lib older than the peer range', () => {
    const old = newApp(root, 'old-cdk', tarball, '2.200.0');
    const install = npm(['install', '--dry-run'], old);
    expect(install.status).not.toBe(0);
    expect(install.output).toContain('ERESOLVE');
    expect(install.output).toContain(`peer aws-cdk-lib@"${infraManifest.peerDependencies['aws-cdk-lib']}"`);
  });
});

describe('kmsvault-cdk, the Python package jsii-pacmak builds, in a new Python CDK app', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmsvault-consumer-py-'));
  let outdir: string;

  beforeAll(() => {
    const pnpm = process.env.npm_execpath;
    if (pnpm === undefined) throw new Error('run through pnpm: pnpm test:consumer');
    execFileSync(process.execPath, [pnpm, 'run', 'package:python'], { cwd: INFRA, stdio: 'ignore' });
    step('jsii-pacmak built the Python wheel');
    const python = run('bash', [join(__dirname, 'python', 'venv.sh')], WORKSPACE)
      .trim()
      .split('\n')
      .pop() as string;
    step('pinned PyPI packages and the wheel installed (pip check passed)');
    copyFileSync(join(__dirname, 'python', 'app.py'), join(root, 'app.py'));
    outdir = synth(root, `${python} app.py`);
    step('cdk synth of the Python app (with cdk-nag) done');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('synthesizes with cdk-nag, with no path into @kmsvault sources and the tested function assets', () => {
    expectTestedCode(outdir);
  });
});
