import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultKey } from '@kmsvault/cdk';
import { type DefaultStackSynthesizer, Fn, aws_iam as iam, aws_kms as kms, type Stack } from 'aws-cdk-lib';
import { decodeProtectedHeader, type JWK } from 'jose';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { call } from '../../src/testing';
import { LOCAL_KEY_ADMIN, synthTestAssembly } from '../support/assembly';

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

/** K1: an ES256 key with aws-cdk-lib's default policy (the account root: the roles' IAM policies decide). */
const keyOne = (stack: Stack) =>
  new kms.Key(stack, 'SigningKeyOne', {
    keySpec: kms.KeySpec.ECC_NIST_P256,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
  });

/**
 * K2: a platform team's ES256 key whose policy trusts no account root, only
 * its administrators (the local key admin and the deploying role); the
 * Vault's grants go into that policy.
 */
function keyTwo(stack: Stack): VaultKey {
  const exec = (stack.synthesizer as DefaultStackSynthesizer).cloudFormationExecutionRole;
  if (exec === undefined) throw new Error('the test stack has no CloudFormation execution role');
  return new VaultKey(stack, 'SigningKeyTwo', {
    grantsToKeyPolicy: true,
    keySpec: kms.KeySpec.ECC_NIST_P256,
    keyUsage: kms.KeyUsage.SIGN_VERIFY,
    policy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal(LOCAL_KEY_ADMIN), new iam.ArnPrincipal(Fn.sub(exec))],
          actions: ['kms:*'],
          resources: ['*'],
        }),
      ],
    }),
  });
}

describe('Local cloud: rotating the signing key as three deploys of one stack', () => {
  // One stack, deployed three times over the same state, as CloudFormation would update it.
  // 1. the vault signs with K1
  const first = synthTestAssembly('rotation', (s) => ({ signingKey: keyOne(s) }));
  // 2. K2 signs; K1 is previous, so its tokens still verify
  const second = synthTestAssembly('rotation', (s) => ({
    signingKey: keyTwo(s),
    previousSigningKeys: [keyOne(s)],
  }));
  // 3. one access-token lifetime later: K1 is no longer trusted (the key itself stays until deleted)
  const third = synthTestAssembly('rotation', (s) => {
    keyOne(s);
    return { signingKey: keyTwo(s) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-rotation-'));
  const credentials = { username: `rotation-${process.pid}`, password: 'a long and unusual passphrase' };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function deployed<T>(
    assembly: { dir: string; stackName: string },
    run: (stack: LocalStack) => Promise<T>,
  ): Promise<T> {
    const stack = await startLocalStack({
      assembly,
      dataDir: dir,
      writeLocalJson: false,
      functionLogs: () => {},
      config: { scrypt: FAST_SCRYPT },
    });
    try {
      return await run(stack);
    } finally {
      await stack.stop();
    }
  }

  const login = async (stack: LocalStack) => {
    const res = await call<{ accessToken: string }>(stack.info.apiUrl, '/v1/auth/login', {
      method: 'POST',
      body: credentials,
    });
    expect(res.status).toBe(200);
    return res.body.accessToken;
  };
  const listWith = async (stack: LocalStack, token: string) =>
    (await call(stack.info.apiUrl, '/v1/secrets', { bearer: token })).status;
  const kids = async (stack: LocalStack) =>
    (await call<{ keys: JWK[] }>(stack.info.apiUrl, '/v1/.well-known/jwks.json')).body.keys.map((k) => k.kid);

  it('keeps a token signed by the old key valid while it is previous, and refuses it once it is dropped', async () => {
    // Arrange: deploy 1, a user signs up and logs in; the token is K1's
    const { oldToken, oldKid } = await deployed(first, async (stack) => {
      const signup = await call(stack.info.apiUrl, '/v1/auth/signup', { method: 'POST', body: credentials });
      expect(signup.status).toBe(201);
      const token = await login(stack);
      expect(await listWith(stack, token)).toBe(200);
      return { oldToken: token, oldKid: decodeProtectedHeader(token).kid as string };
    });

    // Act: deploy 2, K2 current and K1 previous
    const { newToken, newKid } = await deployed(second, async (stack) => {
      // Assert: the old token still verifies; new tokens are K2's; the JWKS lists K2 then K1
      expect(await listWith(stack, oldToken)).toBe(200);
      const token = await login(stack);
      const kid = decodeProtectedHeader(token).kid as string;
      expect(kid).not.toBe(oldKid);
      expect(await listWith(stack, token)).toBe(200);
      expect(await kids(stack)).toEqual([kid, oldKid]);
      return { newToken: token, newKid: kid };
    });

    // Act: deploy 3, K1 dropped
    await deployed(third, async (stack) => {
      // Assert: the old token is refused, the new one still verifies, the JWKS lists K2 alone
      expect(await listWith(stack, oldToken)).toBe(401);
      expect(await listWith(stack, newToken)).toBe(200);
      expect(await kids(stack)).toEqual([newKid]);
    });
  });
});
