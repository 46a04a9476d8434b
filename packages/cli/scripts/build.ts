import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundledPackages, nonPermissive, notices } from './licenses';

const PACKAGE = resolve(__dirname, '..');
const ROOT = resolve(PACKAGE, '../..');
export const DIST = join(PACKAGE, 'dist');
export const BUNDLE = join(DIST, 'kmsvault.js');
export const NOTICES = join(DIST, 'THIRD-PARTY-NOTICES.md');
const STAMP = join(DIST, 'build-stamp.json');

/** The one version of the repository: the root package.json's. */
export function repositoryVersion(): string {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}

/**
 * Bundles the CLI into one minified CommonJS file with a shebang: its sources, @kmsvault/core and every
 * third-party module it reaches, no TypeScript at run time. Fails on a bundled package whose license is
 * not permissive, and writes the third-party notice beside the bundle.
 */
export async function buildCli(): Promise<{ bytes: number; packages: string[] }> {
  mkdirSync(DIST, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = await build({
    entryPoints: [join(PACKAGE, 'src', 'bin.ts')],
    outfile: tmp,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    define: { __KMSVAULT_VERSION__: JSON.stringify(repositoryVersion()) },
    // The license texts go to THIRD-PARTY-NOTICES.md, not into the bundle.
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  const packages = bundledPackages(result.metafile, ROOT);
  const refused = nonPermissive(packages);
  if (refused.length > 0) {
    throw new Error(
      `the CLI bundle would include packages without a permissive license: ${refused
        .map((p) => `${p.name}@${p.version} (${p.license})`)
        .join(', ')}`,
    );
  }
  writeFileSync(NOTICES, notices(packages));
  renameSync(tmp, BUNDLE);
  return {
    bytes: statSync(BUNDLE).size,
    packages: packages.map((p) => `${p.name}@${p.version} ${p.license}`),
  };
}

/** Every file whose change changes the bundle: the CLI's and core's sources, this script, the manifests. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const add = (file: string) => hash.update(file).update(readFileSync(file));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else add(path);
    }
  };
  for (const dir of ['packages/cli/src', 'packages/cli/scripts', 'packages/core/src']) walk(join(ROOT, dir));
  for (const file of [
    'package.json',
    'pnpm-lock.yaml',
    'packages/cli/package.json',
    'packages/core/package.json',
  ])
    add(join(ROOT, file));
  return hash.digest('hex');
}

/** Builds the bundle unless the one in dist was built from the same sources. */
export async function ensureCliBuilt(): Promise<{ bundle: string; reason: string }> {
  const hash = sourceHash();
  if (existsSync(BUNDLE) && existsSync(STAMP)) {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { sourceHash?: string };
    if (stamp.sourceHash === hash) return { bundle: BUNDLE, reason: 'up to date' };
  }
  await buildCli();
  writeFileSync(STAMP, `${JSON.stringify({ sourceHash: hash })}\n`);
  return { bundle: BUNDLE, reason: 'built' };
}

if (require.main === module) {
  buildCli()
    .then(({ bytes, packages }) => {
      process.stderr.write(
        `kmsvault CLI: ${BUNDLE} (${bytes} bytes); third-party: ${packages.join(', ') || 'none'}\n`,
      );
    })
    .catch((err: unknown) => {
      process.stderr.write(`kmsvault CLI build failed: ${(err as Error).message}\n`);
      process.exit(1);
    });
}
