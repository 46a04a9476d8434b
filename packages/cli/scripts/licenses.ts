import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

/** Licenses a bundled package may carry: permissive ones, no notice beyond the license text itself. */
export const PERMISSIVE = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
]);

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  /** The package's LICENSE file, when it ships one. */
  text?: string;
}

/** The nearest package.json at or above a bundled input file. */
function packageDir(file: string): string | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name) return dir;
  }
  return undefined;
}

/**
 * Every third-party package whose code is in the bundle, from esbuild's metafile (the inputs that
 * survived tree shaking), with the `license` its package.json declares. Workspace packages are ours.
 */
export function bundledPackages(metafile: Metafile, workDir: string): BundledPackage[] {
  const found = new Map<string, BundledPackage>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0 || !input.includes('node_modules/')) continue;
      const dir = packageDir(resolve(workDir, input));
      if (dir === undefined) throw new Error(`no package.json above bundled file ${input}`);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const key = `${manifest.name}@${manifest.version}`;
      if (found.has(key)) continue;
      const licenseFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
      found.set(key, {
        name: manifest.name,
        version: manifest.version,
        license: typeof manifest.license === 'string' ? manifest.license : 'UNKNOWN',
        ...(licenseFile ? { text: readFileSync(join(dir, licenseFile), 'utf8').trim() } : {}),
      });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages whose license is not on the permissive list (an SPDX `OR` passes if one side does). */
export function nonPermissive(packages: BundledPackage[]): BundledPackage[] {
  return packages.filter(
    (p) =>
      !p.license
        .replace(/[()]/g, '')
        .split(/\s+OR\s+/)
        .some((l) => PERMISSIVE.has(l.trim())),
  );
}

/** The third-party notice shipped beside the bundle: each package, its license, and the license text. */
export function notices(packages: BundledPackage[]): string {
  if (packages.length === 0)
    return '# Third-party software in kmsvault.js\n\nThe kmsvault CLI bundles no third-party packages.\n';
  return `# Third-party software in kmsvault.js

The kmsvault CLI bundles the following packages.

${packages
  .map((p) => `## ${p.name} ${p.version} (${p.license})\n\n${p.text ?? `License: ${p.license}`}\n`)
  .join('\n')}`;
}
