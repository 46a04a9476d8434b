import { constants, createPublicKey, publicEncrypt, randomBytes, scryptSync } from 'node:crypto';
import { GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { clientGroup, keys, type PasswordStrategyName } from '@kmsvault/core';
import type { LocalStack } from '../../src/stack';
import { call, type captureStdout, FAST_SCRYPT, startTestStack, type TestStack } from '../../src/testing';
import { strategyStack } from '../support/assembly';

const BACKOFF = { freeAttempts: 5, accountFreeAttempts: 12, baseSeconds: 60, maxSeconds: 900 };
const PASSWORD = 'the owner knows this one';
let counter = 0;

type Tokens = { accessToken: string; refreshToken: string; deviceToken: string };

describe.each<PasswordStrategyName>(['rsa', 'hmac'])('Login security (password strategy %s)', (strategy) => {
  let stack: LocalStack;
  let logs: ReturnType<typeof captureStdout>;

  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack('login', { loginBackoff: BACKOFF }, 'INFO', strategyStack(strategy));
    ({ stack, logs } = suite);
  });

  afterAll(() => suite?.stop());

  const api = () => stack.info.apiUrl;
  const signup = async () => {
    const username = `sec-${strategy}-${process.pid}-${++counter}`;
    const res = await call<{ userId: string }>(api(), '/v1/auth/signup', {
      method: 'POST',
      body: { username, password: PASSWORD },
    });
    expect(res.status).toBe(201);
    return { username, userId: res.body.userId };
  };
  const login = (username: string, password: string, from = '127.0.0.1', deviceToken?: string) =>
    call<Tokens>(api(), '/v1/auth/login', {
      method: 'POST',
      from,
      body: { username, password, ...(deviceToken ? { deviceToken } : {}) },
    });

  describe('forging a password record (issue 13, item 1)', () => {
    it('gives no login to someone with table write access and every public key', async () => {
      // Arrange: the victim, and the attacker's tools: the raw table and the password keys' public halves.
      const victim = await signup();
      const table = stack.config.tables.vault;
      const profileKey = { pk: keys.user(victim.userId), sk: keys.profileSk };
      const stored = await stack.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: marshall(profileKey) }),
      );
      const profile = unmarshall(stored.Item ?? {}) as {
        password: Record<string, unknown> & { salt: string };
      };
      const chosen = 'attacker chosen password';
      const salt = Buffer.from(profile.password.salt, 'base64');
      const hash = scryptSync(
        Buffer.from(chosen),
        Buffer.concat([salt, Buffer.from(`\u0000${victim.userId}`)]),
        FAST_SCRYPT.keyLength,
        { N: FAST_SCRYPT.N, r: FAST_SCRYPT.r, p: FAST_SCRYPT.p },
      );
      // Every public key: the deployment's RSA password key under rsa; under hmac it has none, so the
      // attacker brings an RSA key of their own.
      const rsaKeyId =
        strategy === 'rsa'
          ? stack.info.keys.password
          : ((
              await stack.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' }))
            ).KeyMetadata?.KeyId as string);
      const rsaKey = await (strategy === 'rsa' ? stack.kmsAs('auth') : stack.kms).send(
        new GetPublicKeyCommand({ KeyId: rsaKeyId }),
      );
      const publicKey = createPublicKey({
        key: Buffer.from(rsaKey.PublicKey as Uint8Array),
        format: 'der',
        type: 'spki',
      });
      const value = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        hash,
      ).toString('base64');
      const forged = [
        // the seed's record format, as the review forged it
        { strategy: 'rsa', keyId: rsaKey.KeyId, params: FAST_SCRYPT, salt: profile.password.salt, value },
        // today's format with a MAC the attacker made up
        {
          ...profile.password,
          format: 2,
          strategy: 'rsa',
          keyId: rsaKey.KeyId,
          value,
          userKeyVersion: 1,
          mac: randomBytes(32).toString('base64'),
        },
      ];

      for (const record of forged) {
        // Act
        const item = { ...profile, ...profileKey, password: record };
        await stack.dynamodb.send(
          new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }),
        );
        const res = await login(victim.username, chosen, `127.0.0.${10 + counter}`);

        // Assert
        expect(res.status).toBe(401);
      }
      expect(logs.text()).toContain('password_record_forged');
    });
  });

  describe('login rate limits', () => {
    it('gives a burst of 20 parallel wrong guesses at most the free attempts, the rest 429 (item 4)', async () => {
      // Arrange
      const user = await signup();

      // Act
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(user.username, `wrong guess ${i}`, '127.0.0.20')),
      );

      // Assert
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(BACKOFF.freeAttempts);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20 - BACKOFF.freeAttempts);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    });

    it('limits guesses spread over many addresses per account (item 5)', async () => {
      // Arrange
      const user = await signup();
      const statuses: number[] = [];

      // Act: two guesses from each of 10 addresses, never reaching a per-address limit.
      for (let a = 0; a < 10; a++) {
        for (let g = 0; g < 2; g++)
          statuses.push((await login(user.username, `guess ${a}-${g}`, `127.0.1.${a}`)).status);
      }

      // Assert: the account budget (12) stops them, whatever the address.
      expect(statuses.slice(0, BACKOFF.accountFreeAttempts).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(BACKOFF.accountFreeAttempts).every((s) => s === 429)).toBe(true);
    });

    it("never locks the owner's known device out, even behind the attacker's address (item 5)", async () => {
      // Arrange: the owner logged in once and kept the device token; then an attacker on the same
      // (shared) address exhausts both the address and the account budgets.
      const user = await signup();
      const shared = '127.0.2.1';
      const first = await login(user.username, PASSWORD, shared);
      expect(first.status).toBe(200);
      const device = first.body.deviceToken;
      for (let i = 0; i < 30; i++)
        await login(user.username, `guess ${i}`, i % 2 === 0 ? shared : `127.0.3.${i}`);
      expect((await login(user.username, PASSWORD, shared)).status).toBe(429);

      // Act
      const owner = await login(user.username, PASSWORD, shared, device);

      // Assert
      expect(owner.status).toBe(200);
      expect(owner.body.deviceToken).toBe(device);
    });

    it("does not take another user's device token, or a made-up one, as known (item 5)", async () => {
      const alice = await signup();
      const bob = await signup();
      const aliceDevice = (await login(alice.username, PASSWORD, '127.0.4.1')).body.deviceToken;
      for (let i = 0; i < BACKOFF.freeAttempts; i++) await login(bob.username, `guess ${i}`, '127.0.4.2');
      for (const token of [aliceDevice, randomBytes(32).toString('base64url')]) {
        expect((await login(bob.username, 'another guess', '127.0.4.2', token)).status).toBe(429);
      }
    });

    it('keeps no username or client address in clear in the table (item 15)', async () => {
      // Arrange
      const user = await signup();
      await login(user.username, 'wrong password here', '127.0.5.77');

      // Act
      const items = (
        (await stack.dynamodb.send(new ScanCommand({ TableName: stack.config.tables.vault }))).Items ?? []
      ).map((i) => unmarshall(i));

      // Assert: throttle items exist, and none names the user or the address.
      const throttles = items.filter((i) => String(i.pk).startsWith('LOGIN#'));
      expect(throttles.length).toBeGreaterThan(0);
      const text = JSON.stringify(throttles);
      expect(text).not.toContain(user.username);
      expect(text).not.toContain('127.0.5.77');
    });
  });
});

describe('Function: clientGroup', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('groups %s as %s', (address, group) => {
    expect(clientGroup(address)).toBe(group);
  });

  it('puts every address of one /64 in one group (an IPv6 /64 is 2^64 clients)', () => {
    const a = clientGroup('2001:db8:aa:bb:1111:2222:3333:4444');
    const b = clientGroup('2001:db8:aa:bb:ffff:eeee:dddd:cccc');
    expect(a).toBe(b);
    expect(clientGroup('2001:db8:aa:bc::1')).not.toBe(a);
  });
});
