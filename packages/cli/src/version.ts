import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the build (esbuild `define`) to the repository's version. */
declare const __KMSVAULT_VERSION__: string | undefined;

/** The CLI's version: the repository's one version (root package.json), built into the bundle. */
export function version(): string {
  if (typeof __KMSVAULT_VERSION__ === 'string') return __KMSVAULT_VERSION__;
  // Run from the sources (tsx, jest): the root package.json, three levels up from src.
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version;
}
