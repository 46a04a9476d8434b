import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PasswordStrategy } from '@kmsvault/cdk';
import type { PasswordRecord } from '@kmsvault/core';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../src/stack';
import { call } from '../../src/testing';
import { synthTestAssembly } from '../support/assembly';

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

describe('Auth API: redeploying with another password key or strategy', () => {
  // One stack, deployed twice over the same state: as CloudFormation would update it.
  const rsaDeploy = synthTestAssembly('keychange', { passwordStrategy: PasswordStrategy.RSA });
  const hmacDeploy = synthTestAssembly('keychange', { passwordStrategy: PasswordStrategy.HMAC });
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-keychange-'));
  const credentials = { username: `keychange-${process.pid}`, password: 'a long and unusual passphrase' };
  let userId: string;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withStack<T>(
    options: Partial<LocalStackOptions>,
    run: (stack: LocalStack) => Promise<T>,
  ): Promise<T> {
    const stack = await startLocalStack({
      dataDir: dir,
      ...options,
      config: { scrypt: FAST_SCRYPT, ...options.config },
    });
    try {
      return await run(stack);
    } finally {
      await stack.stop();
    }
  }

  async function passwordRecord(stack: LocalStack): Promise<PasswordRecord> {
    const out = await stack.dynamodb.send(
      new GetItemCommand({
        TableName: stack.config.tables.vault,
        Key: { pk: { S: `USER#${userId}` }, sk: { S: 'PROFILE' } },
      }),
    );
    return unmarshall(out.Item ?? {}).password as PasswordRecord;
  }

  const login = (stack: LocalStack) =>
    call(stack.info.apiUrl, '/v1/auth/login', { method: 'POST', body: credentials });

  it('lets an existing user log in after a redeploy changes the strategy from rsa to hmac, and rewrites the record', async () => {
    // Arrange: a user signs up under the rsa strategy's RSA password key.
    await withStack({ assembly: rsaDeploy }, async (stack) => {
      const res = await call<{ userId: string }>(stack.info.apiUrl, '/v1/auth/signup', {
        method: 'POST',
        body: credentials,
      });
      userId = res.body.userId;
      const record = await passwordRecord(stack);
      expect(record.strategy).toBe('rsa');
      expect(record.keyId).toContain(stack.info.keys.password);
    });

    // Act: the same stack redeployed with the hmac strategy (CloudFormation replaces the password key).
    await withStack({ assembly: hmacDeploy }, async (stack) => {
      const first = await login(stack);
      const record = await passwordRecord(stack);
      const second = await login(stack);
      const wrong = await call(stack.info.apiUrl, '/v1/auth/login', {
        method: 'POST',
        body: { ...credentials, password: 'not the password' },
      });

      // Assert
      expect(first.status).toBe(200);
      expect(record.strategy).toBe('hmac');
      expect(record.keyId).toContain(stack.info.keys.password);
      expect(second.status).toBe(200);
      expect(wrong.status).toBe(401);
    });
  });

  it('lets an existing user log in under a new password key and rewrites the record under it', async () => {
    // Arrange: the stack goes back to rsa; its password key is a new RSA key, not the first one.
    await withStack({ assembly: rsaDeploy }, async (stack) => {
      const before = await passwordRecord(stack);

      // Act
      const first = await login(stack);
      const rewritten = await passwordRecord(stack);
      const second = await login(stack);

      // Assert
      expect(before.strategy).toBe('hmac');
      expect(first.status).toBe(200);
      expect(rewritten.strategy).toBe('rsa');
      expect(rewritten.keyId).toContain(stack.info.keys.password);
      expect(rewritten.keyId).not.toBe(before.keyId);
      expect(second.status).toBe(200);
    });
  });
});
