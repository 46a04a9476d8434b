import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
    const outdir = join(ASSETS_DIR, name);
    rmSync(outdir, { recursive: true, force: true });
    buildSync({
      entryPoints: [join(WORKSPACE, 'packages', pkg, 'src', 'lambda.ts')],
      absWorkingDir: WORKSPACE,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      external: ['@aws-sdk/*'],
      outfile: join(outdir, 'index.js'),
      logLevel: 'warning',
    });
  }
}

/**
 * The web vault's static files (packages/web's build: index.html, style.css,
 * the bundled app.js) copied into `assets/web`, shipped in the package for a
 * platform team to upload to `vault.web.bucket` (WebVault.SITE_DIRECTORY).
 */
export async function packWebVault(): Promise<void> {
  const site = await buildWeb();
  const outdir = join(ASSETS_DIR, 'web');
  rmSync(outdir, { recursive: true, force: true });
  cpSync(site, outdir, { recursive: true });
}

if (require.main === module) {
  bundleFunctions();
  packWebVault().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
