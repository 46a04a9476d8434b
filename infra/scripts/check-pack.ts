/**
 * Checks the package `pnpm pack` makes of the construct library, after its
 * jsii build (`pnpm --filter @kmsvault/cdk build`): the tarball holds the
 * compiled JavaScript, its declarations and the `.jsii` assembly, and no
 * TypeScript source, app or test; its manifest has no dependency of its own
 * (aws-cdk-lib and constructs are peers); installed beside nothing but its
 * peers, it loads, refuses invalid props with the same errors as the
 * sources, and a Vault made from it deploys the same function code as one
 * made from the sources (the same asset hashes), with no bundling. Exits non-zero with every failure listed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as source from '../src';

const PACKAGE_DIR = join(__dirname, '..');
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

/** Invalid props, each refused by the constructor before it makes anything. */
const INVALID: Record<string, Record<string, unknown>> = {
  'an unknown password strategy': { passwordStrategy: 'md5' },
  'a history depth over 100': { historyDepth: 101 },
  'an http CORS origin': { api: { corsOrigins: ['http://vault.example.com'] } },
  'a key cache over an hour': { keyCacheMaxAge: Duration.hours(2) },
  'no key administrator at all': { deployerIsKeyAdmin: false },
};

function errorOf(make: () => unknown): string {
  try {
    make();
  } catch (err) {
    return (err as Error).message;
  }
  return '(no error)';
}

const work = mkdtempSync(join(tmpdir(), 'kmsvault-cdk-pack-'));
try {
  const execPath = process.env.npm_execpath;
  if (execPath === undefined) throw new Error('run through pnpm: pnpm --filter @kmsvault/cdk check:pack');
  execFileSync(process.execPath, [execPath, 'pack', '--pack-destination', work], {
    cwd: PACKAGE_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball into ${work}`);
  const files = execFileSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  for (const wanted of [
    '.jsii',
    'package.json',
    'README.md',
    'API.md',
    'API.python.md',
    'lib/index.js',
    'lib/index.d.ts',
    'lib/vault.js',
    'assets/auth/index.js',
    'assets/secrets/index.js',
    'assets/authorizer/index.js',
    'assets/web/index.html',
    'assets/web/app.js',
    'assets/web/style.css',
  ])
    check(files.includes(wanted), `the tarball lacks ${wanted}`);
  const strays = files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));
  check(strays.length === 0, `the tarball holds TypeScript sources: ${strays.join(', ')}`);
  const outside = files.filter(
    (f) =>
      !/^(lib\/|assets\/[a-z]+\/index\.js$|assets\/web\/[a-z.-]+$|\.jsii$|package\.json$|README\.md$|API(\.python)?\.md$|LICENSE$)/.test(
        f,
      ),
  );
  check(
    outside.length === 0,
    `the tarball holds files besides lib/, assets/, .jsii, the manifest and the docs: ${outside.join(', ')}`,
  );

  // Installed as a consumer would have it: node_modules with the package and its two peers only.
  const modules = join(work, 'node_modules');
  const installed = join(modules, '@kmsvault', 'cdk');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', installed, '--strip-components=1']);
  for (const peer of ['aws-cdk-lib', 'constructs'])
    symlinkSync(join(PACKAGE_DIR, 'node_modules', peer), join(modules, peer), 'dir');

  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  check(manifest.name === '@kmsvault/cdk', `the packed name is ${manifest.name}`);
  check(
    Object.keys(manifest.dependencies ?? {}).length === 0,
    `the packed package has dependencies: ${JSON.stringify(manifest.dependencies)}`,
  );
  check(
    JSON.stringify(Object.keys(manifest.peerDependencies ?? {}).sort()) ===
      JSON.stringify(['aws-cdk-lib', 'constructs']),
    `the packed peerDependencies are ${JSON.stringify(manifest.peerDependencies)}`,
  );
  check(
    !JSON.stringify(manifest).includes('workspace:'),
    'the packed manifest still names workspace: versions',
  );

  const assembly = JSON.parse(readFileSync(join(installed, '.jsii'), 'utf8'));
  check(assembly.schema === 'jsii/0.10.0', `.jsii is not a jsii assembly (schema ${assembly.schema})`);
  for (const type of ['Vault', 'VaultProps', 'PasswordStrategy', 'VaultKey', 'ArnListPrincipal', 'WebVault'])
    check(`@kmsvault/cdk.${type}` in (assembly.types ?? {}), `the assembly lacks the type ${type}`);
  for (const type of ['VaultStack', 'EnvironmentConfig'])
    check(!(`@kmsvault/cdk.${type}` in (assembly.types ?? {})), `the assembly exports the app's ${type}`);

  // The compiled library, loaded from the consumer's node_modules, refuses what the sources refuse.
  // Required as the consumer's code would (a require from a file in its directory): a require.resolve from
  // this script, inside the package, would resolve the package's own name to infra/lib (Node's self-reference).
  const compiled = createRequire(join(work, 'app.js'))('@kmsvault/cdk') as typeof source;
  check(
    compiled.Vault.toString() !== '' && require.cache[join(installed, 'lib', 'index.js')] !== undefined,
    `the compiled library was not loaded from the installed package ${installed}`,
  );
  check(compiled.Vault !== source.Vault, 'the compiled library resolved to the sources');
  const site = compiled.WebVault.SITE_DIRECTORY;
  check(
    site.startsWith(installed) && existsSync(join(site, 'index.html')) && existsSync(join(site, 'app.js')),
    `WebVault.SITE_DIRECTORY of the installed package is ${site}, without the built web vault`,
  );
  for (const [what, props] of Object.entries(INVALID)) {
    const fromSource = errorOf(
      () => new source.Vault(new Stack(new App(), 'S'), 'Vault', props as source.VaultProps),
    );
    const fromPackage = errorOf(
      () => new compiled.Vault(new Stack(new App(), 'S'), 'Vault', props as source.VaultProps),
    );
    check(fromSource.startsWith('invalid Vault prop'), `${what}: the sources answer ${fromSource}`);
    check(
      fromPackage === fromSource,
      `${what}: the package answers "${fromPackage}", the sources "${fromSource}"`,
    );
  }

  // A valid Vault from the package deploys what one from the sources deploys: the same function assets.
  const codeOf = (lib: typeof source, name: string) => {
    const app = new App({ outdir: join(work, `cdk.out-${name}`) });
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    new lib.Vault(stack, 'Vault', {});
    const template = app.synth().getStackByName('S').template as {
      Resources: Record<string, { Type: string; Properties: { Code?: { S3Key?: unknown } } }>;
    };
    return Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id, r]) => `${id} ${JSON.stringify(r.Properties.Code?.S3Key)}`)
      .sort();
  };
  const ours = codeOf(source, 'sources');
  const theirs = codeOf(compiled, 'package');
  check(ours.length === 3, `a Vault from the sources has ${ours.length} functions`);
  check(
    ours.every((line) => /"[0-9a-f]{64}\.zip"$/.test(line)),
    `a function's code is not a file asset: ${ours.join('; ')}`,
  );
  check(
    JSON.stringify(theirs) === JSON.stringify(ours),
    `the package's functions deploy other code: ${theirs.join('; ')} (the sources: ${ours.join('; ')})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  process.stderr.write(
    `check-pack: ${failures.length} failure(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  'check-pack: @kmsvault/cdk packs its JavaScript, declarations, function assets and .jsii; it loads with its peers alone, validates props as the sources do and deploys the same function code\n',
);
