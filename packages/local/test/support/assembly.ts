import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasswordStrategy, Vault, type VaultProps } from '@kmsvault/cdk';
import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { WORKSPACE_ROOT } from '../../src/stack';

/** The account and region of the test stacks (the dev environment's). */
export const TEST_ACCOUNT = '111111111111';
export const TEST_REGION = 'eu-west-1';

/** A key administrator role that exists before the deploy (the local stack declares it). */
export const LOCAL_KEY_ADMIN = `arn:aws:iam::${TEST_ACCOUNT}:role/kmsvault-local-key-admin`;

export interface TestAssembly {
  readonly dir: string;
  readonly stackName: string;
}

/**
 * A cloud assembly of one stack holding a `Vault` (and whatever `extend`
 * adds), synthesized in this process as a platform team's app would be, with
 * the workspace's feature flags (cdk.json) and the default synthesizer: what
 * `cdk deploy` would deploy, for the local stack to run. `props` may be a
 * function of the stack, to give the Vault resources made in it first (its
 * signing key, say).
 */
export function synthTestAssembly(
  name: string,
  props: Partial<VaultProps> | ((stack: Stack) => Partial<VaultProps>) = {},
  extend?: (stack: Stack, vault: Vault) => void,
): TestAssembly {
  const dir = mkdtempSync(join(tmpdir(), `kmsvault-assembly-${name}-`));
  const cdkJson = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = new App({ outdir: dir, context: cdkJson.context ?? {} });
  const stackName = `Kmsvault-${name}`;
  const stack = new Stack(app, stackName, { env: { account: TEST_ACCOUNT, region: TEST_REGION } });
  const vault = new Vault(stack, 'Vault', {
    keyAdmins: [new iam.ArnPrincipal(LOCAL_KEY_ADMIN)],
    webVault: false,
    ...(typeof props === 'function' ? props(stack) : props),
  });
  extend?.(stack, vault);
  app.synth();
  return { dir, stackName };
}

let rsa: TestAssembly | undefined;

/**
 * The stack options that run a password strategy: the dev stack for hmac
 * (its configuration), a synthesized Vault with an RSA password key for rsa.
 */
export function strategyStack(strategy: 'rsa' | 'hmac'): { assembly?: TestAssembly } {
  if (strategy === 'hmac') return {};
  rsa ??= synthTestAssembly('rsa', { passwordStrategy: PasswordStrategy.RSA });
  return { assembly: rsa };
}
