import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const manifest = (path: string) => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));

describe('One version for the repository', () => {
  const version = manifest('package.json').version as string;

  it('is the root package.json version, a semantic version', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it.each(['packages/cli', 'packages/web', 'infra'])('is the version %s releases', (dir) => {
    expect(manifest(`${dir}/package.json`).version).toBe(version);
  });
});
