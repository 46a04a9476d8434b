import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The module specifiers a TypeScript file imports or re-exports. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => m[1] as string);
}

describe('@kmsvault/cdk (the published construct library)', () => {
  it('imports nothing at run time but aws-cdk-lib, constructs, Node built-ins and its own files', () => {
    const src = join(ROOT, 'src');
    const outside = readdirSync(src)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => importsOf(join(src, f)).map((spec) => `${f}: ${spec}`))
      .filter((line) => !/: (\.\/|node:|aws-cdk-lib$|constructs$)/.test(line));
    expect(outside).toEqual([]);
  });

  it('has no dependencies of its own: aws-cdk-lib and constructs are peers, built against their lowest version', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    for (const [name, range] of Object.entries(pkg.peerDependencies)) {
      // jsii's rule (JSII0006): the build and the tests run on the lowest version the range admits.
      expect(range).toBe(`^${pkg.devDependencies[name]}`);
    }
  });
});
