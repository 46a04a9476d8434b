import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncDirectory } from '../scripts/bundle-functions';

// The app's synth rebuilds infra/assets while other suites' synths fingerprint
// it (CI once failed with CannotFindAsset when the rebuild removed the directory first).
describe('syncDirectory (how the prebuilt bundles are written)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kmsvault-assets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => ({ path: join(dir, name), contents: Buffer.from(text) });

  it('leaves a file whose bytes are unchanged as it is (same inode, same mtime)', () => {
    syncDirectory(dir, [file('index.js', 'one')]);
    const before = statSync(join(dir, 'index.js'));
    syncDirectory(dir, [file('index.js', 'one')]);
    const after = statSync(join(dir, 'index.js'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces a changed file by renaming a new one over it, never truncating the old one in place', () => {
    syncDirectory(dir, [file('index.js', 'old bundle')]);
    const before = statSync(join(dir, 'index.js'));
    syncDirectory(dir, [file('index.js', 'new bundle')]);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toBe('new bundle');
    expect(statSync(join(dir, 'index.js')).ino).not.toBe(before.ino);
  });

  it('removes files no longer built, and leaves no staging file behind', () => {
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'stale.js'), 'x');
    writeFileSync(join(dir, 'index.js.map'), 'x');
    syncDirectory(dir, [file('index.js', 'bundle'), file('nested/app.js', 'app')]);
    expect(readFileSync(join(dir, 'nested', 'app.js'), 'utf8')).toBe('app');
    expect(() => statSync(join(dir, 'nested', 'stale.js'))).toThrow();
    expect(() => statSync(join(dir, 'index.js.map'))).toThrow();
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(['index.js', 'nested', 'nested/app.js']);
  });
});
