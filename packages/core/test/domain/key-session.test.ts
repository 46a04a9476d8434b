import { createHash } from 'node:crypto';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { type KmsHarness, startKmsHarness } from '@kmsvault/local/testing';
import { KeyCache, type UserKey, UserKeyring, type WrappedUserKey } from '../../src/crypto';
import { UserKeys } from '../../src/domain/key-session';
import type { UserProfile } from '../../src/store/users';

describe('Class: UserKeys', () => {
  let harness: KmsHarness;
  let vaultKeyId: string;

  beforeAll(async () => {
    harness = await startKmsHarness();
    const { KeyMetadata } = await harness.kms.send(new CreateKeyCommand({}));
    vaultKeyId = KeyMetadata?.KeyId as string;
  });

  afterAll(() => harness.stop());

  /** Real wrapped keys from the KMS emulator, in a profile store held in memory. */
  async function setUp(maxAgeMs: number, versions = 1) {
    const keyring = new UserKeyring({
      kms: harness.kms,
      vaultKeyId,
      cache: new KeyCache({ clearOnExit: false, maxAgeMs }),
    });
    const userId = `user-${Math.random().toString(16).slice(2)}`;
    const wrapped: WrappedUserKey[] = [];
    for (let v = 1; v <= versions; v++) wrapped.push(await keyring.generate(userId, v));
    const users = { get: async () => ({ userKeys: wrapped }) as unknown as UserProfile };
    return { userId, keys: new UserKeys({ users, keyring }) };
  }

  it('takes each key version once per request: with the cache off, many uses cost one KMS Decrypt', async () => {
    // Arrange
    const { userId, keys } = await setUp(0);
    await harness.resetStats();

    // Act
    const bytes = await keys.session(userId, async (session) => {
      const all = await Promise.all([session.key(1), session.key(1), session.latest(), session.key(1)]);
      return all.map((k) => Buffer.from(k.key).toString('hex'));
    });

    // Assert
    expect(new Set(bytes).size).toBe(1);
    expect(await harness.stats()).toEqual({ Decrypt: 1 });
  });

  it('hands out the newest version as latest, and each version it is asked for', async () => {
    const { userId, keys } = await setUp(60_000, 3);
    const versions = await keys.session(userId, async (session) => [
      (await session.latest()).version,
      (await session.key(2)).version,
    ]);
    expect(versions).toEqual([3, 2]);
  });

  it('zeroes the key copies when the request settles, also when it throws', async () => {
    const { userId, keys } = await setUp(60_000);
    let seen: UserKey | undefined;
    await expect(
      keys.session(userId, async (session) => {
        seen = await session.key(1);
        expect(seen.key.some((b) => b !== 0)).toBe(true);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen?.key.every((b) => b === 0)).toBe(true);
  });

  it('throws an integrity error for a key version the user does not have', async () => {
    const { userId, keys } = await setUp(60_000);
    await expect(keys.session(userId, (session) => session.key(9))).rejects.toMatchObject({
      code: 'integrity_error',
    });
  });

  it('digests a body under a key only the vault has: not its SHA-256, the same for a retry, another for another user', async () => {
    // Arrange
    const alice = await setUp(60_000);
    const bob = await setUp(60_000);
    const body = Buffer.from('{"name":"bank","password":"hunter2"}');

    // Act
    const first = await alice.keys.digest(alice.userId, body);
    const again = await alice.keys.digest(alice.userId, body);
    const other = await alice.keys.digest(alice.userId, Buffer.from('{"name":"bank","password":"hunter3"}'));
    const bobs = await bob.keys.digest(bob.userId, body);

    // Assert
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(bobs).not.toBe(first);
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      expect(first).not.toContain(createHash('sha256').update(body).digest(encoding));
    }
  });
});
