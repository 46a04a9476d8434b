import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Where the built web vault is: static files and the bundled app. */
export const DIST_DIR = join(__dirname, '..', 'dist', 'site');
const PUBLIC_DIR = join(__dirname, '..', 'public');

/** Bundles the app with esbuild and copies the static files; returns the site directory. */
export async function buildWeb(options: { minify?: boolean } = {}): Promise<string> {
  mkdirSync(DIST_DIR, { recursive: true });
  for (const file of readdirSync(PUBLIC_DIR)) copyFileSync(join(PUBLIC_DIR, file), join(DIST_DIR, file));
  await build({
    entryPoints: [join(__dirname, 'app', 'main.tsx')],
    bundle: true,
    outfile: join(DIST_DIR, 'app.js'),
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: false,
    logLevel: 'silent',
  });
  return DIST_DIR;
}
