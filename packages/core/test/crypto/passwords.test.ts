import { constants, createPublicKey, publicEncrypt, randomBytes, scryptSync } from 'node:crypto';
import { CreateKeyCommand, GetPublicKeyCommand, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';
import { type KmsHarness, startKmsHarness } from '@kmsvault/local/testing';
import {
  DEFAULT_SCRYPT,
  PasswordHasher,
  type PasswordRecord,
  type PasswordStrategyName,
  type RecordKeyLender,
  type ScryptParams,
} from '../../src/crypto';

/** Cheap parameters for most tests; one test uses the defaults. */
const FAST: ScryptParams = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('Class: PasswordHasher', () => {
  let harness: KmsHarness;
  const keyIds: Record<PasswordStrategyName, string[]> = { rsa: [], hmac: [] };

  const createKey = async (spec: KeySpec, usage: KeyUsageType) =>
    (await harness.kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }))).KeyMetadata
      ?.KeyId as string;

  beforeAll(async () => {
    harness = await startKmsHarness();
    keyIds.rsa = [
      await createKey('RSA_3072', 'ENCRYPT_DECRYPT'),
      await createKey('RSA_3072', 'ENCRYPT_DECRYPT'),
    ];
    keyIds.hmac = [
      await createKey('HMAC_256', 'GENERATE_VERIFY_MAC'),
      await createKey('HMAC_256', 'GENERATE_VERIFY_MAC'),
    ];
  });

  afterAll(() => harness.stop());

  /** Each user's key, as the keyring would lend it (a fixed random key per user id). */
  const userKeys = new Map<string, Buffer>();
  const lend =
    (userId: string): RecordKeyLender =>
    async (version, use) => {
      if (!userKeys.has(userId)) userKeys.set(userId, randomBytes(32));
      return use({ version: version ?? 1, key: Buffer.from(userKeys.get(userId) as Buffer) });
    };

  const hasher = (strategy: PasswordStrategyName, keyIndex = 0, params = FAST) =>
    new PasswordHasher({ kms: harness.kms, strategy, keyId: keyIds[strategy][keyIndex] as string, params });

  describe.each<PasswordStrategyName>(['rsa', 'hmac'])('strategy %s', (strategy) => {
    it('verifies the right password and rejects a wrong one', async () => {
      const h = hasher(strategy);
      const record = await h.create('correct horse battery staple', 'user-1', lend('user-1'));
      expect(await h.verify('correct horse battery staple', record, 'user-1', lend('user-1'))).toEqual({
        ok: true,
        needsRewrite: false,
      });
      expect(await h.verify('correct horse battery stapler', record, 'user-1', lend('user-1'))).toEqual({
        ok: false,
        needsRewrite: false,
      });
    });

    it('stores neither the password nor the bare hash', async () => {
      const record = await hasher(strategy).create('hunter2hunter2', 'user-1', lend('user-1'));
      expect(JSON.stringify(record)).not.toContain('hunter2');
      expect(record).toMatchObject({ strategy, params: FAST });
      expect(record.keyId).toMatch(/^arn:aws:kms:/);
    });

    it('checks each password with exactly one KMS call of the strategy', async () => {
      const h = hasher(strategy);
      const record = await h.create('pw-pw-pw-pw', 'user-1', lend('user-1'));
      await harness.resetStats();
      await h.verify('pw-pw-pw-pw', record, 'user-1', lend('user-1'));
      expect(await harness.stats()).toEqual(strategy === 'rsa' ? { Decrypt: 1 } : { VerifyMac: 1 });
    });

    it('does the same work (scrypt and one KMS call) for a missing record, and fails', async () => {
      const h = hasher(strategy);
      await h.verify('warm-up', undefined, 'user-1', lend('user-1')); // the decoy record is made once per hasher
      await harness.resetStats();
      expect(await h.verify('anything', undefined, 'user-1', lend('user-1'))).toEqual({
        ok: false,
        needsRewrite: false,
      });
      expect(await harness.stats()).toEqual(strategy === 'rsa' ? { Decrypt: 1 } : { VerifyMac: 1 });
    });

    it('flags a record for rewrite after the password key changes, and only after a correct password', async () => {
      const record = await hasher(strategy, 0).create('rotate-me-please', 'user-1', lend('user-1'));
      const current = hasher(strategy, 1);
      expect(await current.verify('rotate-me-please', record, 'user-1', lend('user-1'))).toEqual({
        ok: true,
        needsRewrite: true,
      });
      expect(await current.verify('wrong', record, 'user-1', lend('user-1'))).toEqual({
        ok: false,
        needsRewrite: false,
      });
      const rewritten = await current.create('rotate-me-please', 'user-1', lend('user-1'));
      expect(await current.verify('rotate-me-please', rewritten, 'user-1', lend('user-1'))).toEqual({
        ok: true,
        needsRewrite: false,
      });
    });

    it("rejects a record copied from another user's account, even with that user's password", async () => {
      const h = hasher(strategy);
      const mallorys = await h.create('mallory-knows-this', 'user-mallory', lend('user-mallory'));
      expect(await h.verify('mallory-knows-this', mallorys, 'user-alice', lend('user-alice'))).toMatchObject({
        ok: false,
        needsRewrite: false,
      });
      expect(await h.verify('mallory-knows-this', mallorys, 'user-mallory', lend('user-mallory'))).toEqual({
        ok: true,
        needsRewrite: false,
      });
    });

    it('refuses a record forged with table write access and every public key (issue 13, item 1)', async () => {
      // Arrange: the attacker computes scrypt over a password of their choosing with the victim's
      // salt and user id, and protects it with what they can get: the RSA public key, no KMS secret.
      const h = hasher(strategy);
      const real = await h.create('the owners password', 'user-victim', lend('user-victim'));
      const chosen = 'attacker chosen password';
      const hash = scryptSync(
        Buffer.from(chosen),
        Buffer.concat([Buffer.from(real.salt, 'base64'), Buffer.from('\u0000user-victim')]),
        FAST.keyLength,
        { N: FAST.N, r: FAST.r, p: FAST.p },
      );
      const rsaKey = (await harness.kms.send(new GetPublicKeyCommand({ KeyId: keyIds.rsa[0] }))).PublicKey;
      const publicKey = createPublicKey({
        key: Buffer.from(rsaKey as Uint8Array),
        format: 'der',
        type: 'spki',
      });
      const encrypted = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        hash,
      ).toString('base64');
      const forgeries: PasswordRecord[] = [
        // the seed's attack: the victim's record with the attacker's ciphertext
        { ...real, strategy: 'rsa', keyId: keyIds.rsa[0] as string, value: encrypted },
        // the same without the MAC fields, as a format-1 record had them
        {
          ...real,
          strategy: 'rsa',
          keyId: keyIds.rsa[0] as string,
          value: encrypted,
          mac: undefined,
          format: 1,
        },
        // a MAC made up by the attacker (no user key)
        {
          ...real,
          strategy: 'rsa',
          keyId: keyIds.rsa[0] as string,
          value: encrypted,
          userKeyVersion: 1,
          mac: randomBytes(32).toString('base64'),
        },
        // weak scrypt parameters the attacker can compute fast
        { ...real, params: { ...FAST, N: 2 } },
      ];

      // Act
      const verdicts = await Promise.all(
        forgeries.map((f) => h.verify(chosen, f, 'user-victim', lend('user-victim'))),
      );

      // Assert
      for (const verdict of verdicts) expect(verdict.ok).toBe(false);
      expect(verdicts[0]?.forged).toBe(true);
      expect(await h.verify('the owners password', real, 'user-victim', lend('user-victim'))).toEqual({
        ok: true,
        needsRewrite: false,
      });
    });

    it('refuses a record altered in any field it covers (strategy, key, parameters, salt, value, user)', async () => {
      const h = hasher(strategy);
      const real = await h.create('a password to keep', 'user-1', lend('user-1'));
      const altered: PasswordRecord[] = [
        { ...real, params: { ...real.params, N: real.params.N * 2 } },
        { ...real, salt: randomBytes(16).toString('base64') },
        { ...real, strategy: strategy === 'rsa' ? 'hmac' : 'rsa' },
      ];
      for (const record of altered) {
        expect((await h.verify('a password to keep', record, 'user-1', lend('user-1'))).ok).toBe(false);
      }
    });

    it('flags a record for rewrite after the scrypt parameters change', async () => {
      const record = await hasher(strategy).create('params-change', 'user-1', lend('user-1'));
      const stronger = hasher(strategy, 0, { ...FAST, N: 2 ** 11 });
      expect(await stronger.verify('params-change', record, 'user-1', lend('user-1'))).toEqual({
        ok: true,
        needsRewrite: true,
      });
    });
  });

  it('flags a record for rewrite after the strategy changes, verifying it with its own strategy', async () => {
    const record = await hasher('rsa').create('switch-strategy', 'user-1', lend('user-1'));
    expect(await hasher('hmac').verify('switch-strategy', record, 'user-1', lend('user-1'))).toEqual({
      ok: true,
      needsRewrite: true,
    });
  });

  it('uses scrypt N=2^17, r=8, p=1, 32 bytes by default', async () => {
    const h = new PasswordHasher({ kms: harness.kms, strategy: 'rsa', keyId: keyIds.rsa[0] as string });
    const record = await h.create('default-params', 'user-1', lend('user-1'));
    expect(record.params).toEqual({ N: 131072, r: 8, p: 1, keyLength: 32 });
    expect(DEFAULT_SCRYPT).toEqual(record.params);
    expect(await h.verify('default-params', record, 'user-1', lend('user-1'))).toEqual({
      ok: true,
      needsRewrite: false,
    });
  });

  it('fetches the RSA public key once per hasher', async () => {
    const h = hasher('rsa');
    await harness.resetStats();
    await Promise.all([
      h.create('a-password-1', 'user-1', lend('user-1')),
      h.create('a-password-2', 'user-1', lend('user-1')),
      h.create('a-password-3', 'user-1', lend('user-1')),
    ]);
    expect(await harness.stats()).toEqual({ GetPublicKey: 1 });
  });

  describe('preconditions', () => {
    it('the password key id must not be empty', () => {
      expect(() => new PasswordHasher({ kms: harness.kms, strategy: 'rsa', keyId: '' })).toThrow(
        'the password key id must not be empty',
      );
    });

    it('scrypt N must be a power of two', () => {
      expect(() => hasher('rsa', 0, { ...FAST, N: 1000 })).toThrow('scrypt N must be a power of two');
    });

    it('scrypt r and p must be positive and keyLength at least 16', () => {
      expect(() => hasher('rsa', 0, { ...FAST, keyLength: 8 })).toThrow(
        'scrypt r and p must be positive and keyLength at least 16',
      );
    });
  });
});
