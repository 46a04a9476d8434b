import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readAssembly, TemplateError } from '../../src/template';
import { writeAssembly } from './fixtures';

describe('Function: readAssembly', () => {
  const dirs: string[] = [];
  const assembly = (assets: Record<string, boolean> = {}) => {
    dirs.push(writeAssembly({ Resources: {} }, { assets }));
    return dirs.at(-1) as string;
  };

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the environment, the deployer roles with the partition resolved, and the file assets', () => {
    const dir = assembly({ ['b'.repeat(64)]: true });

    const stack = readAssembly(dir, 'Test-dev');

    expect(stack).toMatchObject({
      stackName: 'Test-dev',
      account: '111111111111',
      region: 'eu-west-1',
      deployerRoleArn: 'arn:aws:iam::111111111111:role/cdk-cfn-exec-role',
      assumeRoleArn: 'arn:aws:iam::111111111111:role/cdk-deploy-role',
      templateFile: join(dir, 'Test-dev.template.json'),
      template: { Resources: {} },
    });
    expect(stack.templateHash).toMatch(/^[0-9a-f]{64}$/);
    expect([...stack.assets]).toEqual([['b'.repeat(64), join(dir, `asset.${'b'.repeat(64)}`)]]);
  });

  it('throws naming the missing manifest', () => {
    const dir = assembly();
    unlinkSync(join(dir, 'manifest.json'));

    expect(() => readAssembly(dir, 'Test-dev')).toThrow(
      new TemplateError('Test-dev', `${join(dir, 'manifest.json')} is missing: synthesize the app first`),
    );
  });

  it('throws naming the missing template file', () => {
    const dir = assembly();
    unlinkSync(join(dir, 'Test-dev.template.json'));

    expect(() => readAssembly(dir, 'Test-dev')).toThrow(
      new TemplateError('Test-dev', `template file ${join(dir, 'Test-dev.template.json')} is missing`),
    );
  });

  it('throws naming a stack the assembly does not have', () => {
    expect(() => readAssembly(assembly(), 'Kmsvault-dev')).toThrow(
      /^Kmsvault-dev: no such stack in .* \(stacks: Test-dev\)$/,
    );
  });
});
