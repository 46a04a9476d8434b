import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundledPackages, nonPermissive, notices } from '../scripts/licenses';

/** A directory with node_modules packages of the given licenses, and a metafile whose bundle uses them. */
function bundleOf(licenses: Record<string, string | undefined>): { dir: string; metafile: Metafile } {
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-licenses-'));
  const inputs: Metafile['outputs'][string]['inputs'] = {};
  for (const [name, license] of Object.entries(licenses)) {
    const pkg = join(dir, 'node_modules', name);
    mkdirSync(join(pkg, 'lib'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name, version: '1.0.0', license }));
    writeFileSync(join(pkg, 'LICENSE'), `${name} license text\n`);
    inputs[`node_modules/${name}/lib/index.js`] = { bytesInOutput: 10 };
  }
  inputs['node_modules/tree-shaken/lib/index.js'] = { bytesInOutput: 0 };
  return {
    dir,
    metafile: { inputs: {}, outputs: { 'kmsvault.js': { inputs, imports: [], exports: [], bytes: 1 } } },
  };
}

describe('The CLI build license check', () => {
  it('refuses copyleft, unknown and missing licenses and lets permissive ones through', () => {
    // Arrange
    const { dir, metafile } = bundleOf({
      'mit-lib': 'MIT',
      'dual-lib': '(MIT OR GPL-3.0-only)',
      'gpl-lib': 'GPL-3.0-only',
      'agpl-lib': 'AGPL-3.0-or-later',
      'no-license': undefined,
    });

    // Act
    const packages = bundledPackages(metafile, dir);

    // Assert
    expect(packages.map((p) => p.name)).toEqual(['agpl-lib', 'dual-lib', 'gpl-lib', 'mit-lib', 'no-license']);
    expect(nonPermissive(packages).map((p) => `${p.name} ${p.license}`)).toEqual([
      'agpl-lib AGPL-3.0-or-later',
      'gpl-lib GPL-3.0-only',
      'no-license UNKNOWN',
    ]);
  });

  it('writes each bundled package with its license text into the notice', () => {
    const { dir, metafile } = bundleOf({ 'mit-lib': 'MIT' });
    const text = notices(bundledPackages(metafile, dir));
    expect(text).toContain('## mit-lib 1.0.0 (MIT)\n\nmit-lib license text\n');
  });
});
