import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildWeb } from '@kmsvault/web';
import { buildSync } from 'esbuild';

const WORKSPACE = join(__dirname, '..', '..');

/** Where the construct finds each function's code (functions.ts ASSETS_DIR): `assets/<name>/index.js`. */
export const ASSETS_DIR = join(__dirname, '..', 'assets');

/** The functions, by the asset directory the construct reads, and the workspace package each is built from. */
export const FUNCTION_PACKAGES = {
  auth: 'lambda-auth',
  secrets: 'lambda-secrets',
  authorizer: 'lambda-authorizer',
} as const;

/**
 * Bundles the three functions from `packages/lambda-*` (with this workspace's
 * lockfile) into `infra/assets/<name>/index.js`, once, for the package to
 * ship and the construct to deploy as they are: the options NodejsFunction
 * used (CommonJS, Node 24, minified, no source map, the AWS SDK v3 left to
 * the Lambda runtime), so the bytes, and the asset hashes, are the same.
 */
export function bundleFunctions(): void {
  for (const [name, pkg] of Object.entries(FUNCTION_PACKAGES)) {
    const result = buildSync({
      entryPoints: [join(WORKSPACE, 'packages', pkg, 'src', 'lambda.ts')],
      absWorkingDir: WORKSPACE,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      outfile: join(ASSETS_DIR, name, 'index.js'),
      write: false,
      logLevel: 'warning',
    });
    syncDirectory(
      join(ASSETS_DIR, name),
      result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
    );
  }
}

type OutputFile = { path: string; contents: Uint8Array };

/**
 * Makes `dir` hold exactly `files` without ever being empty or half-written:
 * a file whose bytes are unchanged is left alone, a changed one is written
 * beside it and renamed over it (atomic on one file system), and only then
 * are files that are no longer built removed. A synth that runs meanwhile
 * (the app's, a test's) fingerprints either the old bundle or the new one,
 * never a missing directory (the CannotFindAsset that an rm-and-rebuild caused).
 */
export function syncDirectory(dir: string, files: readonly OutputFile[]): void {
  const wanted = new Set(files.map((file) => file.path));
  for (const file of files) {
    const same = isFile(file.path) && Buffer.from(file.contents).equals(readFileSync(file.path));
    if (same) continue;
    mkdirSync(join(file.path, '..'), { recursive: true });
    const staging = `${file.path}.${process.pid}.tmp`;
    writeFileSync(staging, file.contents);
    renameSync(staging, file.path);
  }
  for (const path of filesUnder(dir)) {
    if (!wanted.has(path)) rmSync(path, { force: true });
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.map((entry) => join(dir, entry)).filter(isFile);
}

/**
 * The web vault's static files (packages/web's build: index.html, style.css,
 * the bundled app.js) copied into `assets/web`, shipped in the package for a
 * platform team to upload to `vault.web.bucket` (WebVault.SITE_DIRECTORY).
 */
export async function packWebVault(): Promise<void> {
  const site = await buildWeb();
  const outdir = join(ASSETS_DIR, 'web');
  const files = filesUnder(site).map((path) => ({
    path: join(outdir, relative(site, path)),
    contents: readFileSync(path),
  }));
  syncDirectory(outdir, files);
}

if (require.main === module) {
  bundleFunctions();
  packWebVault().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
