import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { PasswordRecord } from '@kmsvault/core';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../src/stack';
import { call } from '../../src/testing';

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

describe('Auth API: changing the password key or strategy in configuration', () => {
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

  it('lets an existing user log in under a new password key and rewrites the record under it', async () => {
    // Arrange: a user signs up under the first RSA password key; a second key is made.
    const newKey = await withStack({ config: { passwordStrategy: 'rsa' } }, async (stack) => {
      const res = await call<{ userId: string }>(stack.info.apiUrl, '/v1/auth/signup', {
        method: 'POST',
        body: credentials,
      });
      userId = res.body.userId;
      expect((await passwordRecord(stack)).keyId).toContain(stack.info.keys.password);
      const created = await stack.kms.send(
        new CreateKeyCommand({ KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' }),
      );
      return created.KeyMetadata?.KeyId as string;
    });

    // Act: the configuration names the new key.
    await withStack({ keys: { password: newKey }, config: { passwordStrategy: 'rsa' } }, async (stack) => {
      const first = await login(stack);
      const rewritten = await passwordRecord(stack);
      const second = await login(stack);

      // Assert
      expect(first.status).toBe(200);
      expect(rewritten.keyId).toContain(newKey);
      expect(rewritten.strategy).toBe('rsa');
      expect(second.status).toBe(200);
    });
  });

  it('lets an existing user log in after the strategy changes from rsa to hmac and rewrites the record', async () => {
    await withStack({ config: { passwordStrategy: 'hmac' } }, async (stack) => {
      expect((await login(stack)).status).toBe(200);
      const record = await passwordRecord(stack);
      expect(record.strategy).toBe('hmac');
      expect(record.keyId).toContain(stack.info.keys.passwordHmac);
      expect((await login(stack)).status).toBe(200);
      const wrong = await call(stack.info.apiUrl, '/v1/auth/login', {
        method: 'POST',
        body: { ...credentials, password: 'not the password' },
      });
      expect(wrong.status).toBe(401);
    });
  });
});
