import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { type KmsHarness, startKmsHarness } from '@kmsvault/local/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { ItemEncryptor, KeyCache, UserKeyring, type WrappedUserKey } from '../../src/crypto';
import { secretItem, secretSchema, TABLE } from './fixtures';

describe('Class: UserKeyring', () => {
  let harness: KmsHarness;
  let vaultKeyId: string;
  const encryptor = new ItemEncryptor(TABLE, secretSchema);

  beforeAll(async () => {
    harness = await startKmsHarness();
    const { KeyMetadata } = await harness.kms.send(new CreateKeyCommand({}));
    vaultKeyId = KeyMetadata?.KeyId as string;
  });

  afterAll(() => harness.stop());

  const keyring = (maxAgeMs?: number) =>
    new UserKeyring({
      kms: harness.kms,
      vaultKeyId,
      cache: new KeyCache({ clearOnExit: false, ...(maxAgeMs !== undefined ? { maxAgeMs } : {}) }),
    });

  const roundTrip = async (ring: UserKeyring, userId: string, keys: WrappedUserKey[], n: number) => {
    const version = keys.at(-1)?.version as number;
    for (let i = 0; i < n; i++) {
      const item = secretItem({ pk: `USER#${userId}`, sk: `SECRET#${i}` });
      const stored = await ring.withUserKey(userId, keys, version, (k) => encryptor.encrypt(item, k));
      const back = await ring.withUserKey(userId, keys, encryptor.keyVersionOf(stored), (k) =>
        encryptor.decrypt(stored, () => k),
      );
      expect(back.password).toBe(item.password);
    }
  };

  it('generates a user key with GenerateDataKey under the vault key and the user-key context', async () => {
    // Arrange
    const ring = keyring();
    await harness.resetStats();

    // Act
    const wrapped = await ring.generate('alice');

    // Assert
    expect(await harness.stats()).toEqual({ GenerateDataKey: 1 });
    expect(wrapped.version).toBe(1);
    expect(wrapped.kmsKeyId).toContain(vaultKeyId);
    const opened = await harness.kms.send(
      new DecryptCommand({
        CiphertextBlob: wrapped.ciphertext,
        EncryptionContext: { purpose: 'user-key', userId: 'alice' },
      }),
    );
    expect(opened.Plaintext).toHaveLength(32);
    await expect(
      harness.kms.send(
        new DecryptCommand({
          CiphertextBlob: wrapped.ciphertext,
          EncryptionContext: { purpose: 'user-key', userId: 'bob' },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidCiphertextException);
  });

  it('costs 0 KMS calls to encrypt and decrypt 100 items of one user with a warm cache', async () => {
    // Arrange
    const ring = keyring();
    const keys = [await ring.generate('warm')];
    await roundTrip(ring, 'warm', keys, 1);
    await harness.resetStats();

    // Act
    await roundTrip(ring, 'warm', keys, 100);

    // Assert
    expect(await harness.stats()).toEqual({});
  });

  it('costs exactly one Decrypt per decrypt with max age 0', async () => {
    // Arrange
    const ring = keyring(0);
    const keys = [await ring.generate('audited')];
    const stored = await ring.withUserKey('audited', keys, 1, (k) =>
      encryptor.encrypt(secretItem({ pk: 'USER#audited' }), k),
    );
    await harness.resetStats();

    // Act
    for (let i = 0; i < 5; i++)
      await ring.withUserKey('audited', keys, 1, (k) => encryptor.decrypt(stored, () => k));

    // Assert
    expect(await harness.stats()).toEqual({ Decrypt: 5 });
  });

  it('costs one Decrypt for 50 concurrent misses of one user key', async () => {
    // Arrange
    const keys = [await keyring().generate('busy')];
    const cold = keyring();
    await harness.resetStats();

    // Act
    await Promise.all(
      Array.from({ length: 50 }, () => cold.withUserKey('busy', keys, 1, (k) => k.key.length)),
    );

    // Assert
    expect(await harness.stats()).toEqual({ Decrypt: 1 });
  });

  it('rotates to a new version for new writes while old items keep decrypting with theirs', async () => {
    // Arrange
    const ring = keyring();
    const v1 = await ring.generate('rot');
    const old = await ring.withUserKey('rot', [v1], 1, (k) =>
      encryptor.encrypt(secretItem({ pk: 'USER#rot' }), k),
    );

    // Act
    const v2 = await ring.rotate('rot', [v1]);
    const keys = [v1, v2];
    const fresh = await ring.withUserKey('rot', keys, 2, (k) =>
      encryptor.encrypt(secretItem({ pk: 'USER#rot', sk: 'S2' }), k),
    );
    const cold = keyring();

    // Assert
    expect(v2.version).toBe(2);
    expect(encryptor.keyVersionOf(fresh)).toBe(2);
    for (const record of [old, fresh]) {
      const back = await cold.withUserKey('rot', keys, encryptor.keyVersionOf(record), (k) =>
        encryptor.decrypt(record, () => k),
      );
      expect(back.name).toBe('Bank');
    }
  });

  it('rewraps to another KMS key with ReEncrypt only, and the old key can then be disabled', async () => {
    // Arrange
    const source = (await harness.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const destination = (await harness.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const ring = new UserKeyring({
      kms: harness.kms,
      vaultKeyId: source,
      cache: new KeyCache({ clearOnExit: false }),
    });
    const wrapped = await ring.generate('move');
    const stored = await ring.withUserKey('move', [wrapped], 1, (k) =>
      encryptor.encrypt(secretItem({ pk: 'USER#move' }), k),
    );
    await harness.resetStats();

    // Act
    const moved = await ring.rewrap('move', wrapped, destination);
    const calls = await harness.stats();
    await harness.kms.send(new DisableKeyCommand({ KeyId: source }));
    const back = await keyring().withUserKey('move', [moved], 1, (k) => encryptor.decrypt(stored, () => k));

    // Assert
    expect(calls).toEqual({ ReEncrypt: 1 });
    expect(moved.version).toBe(1);
    expect(moved.kmsKeyId).toContain(destination);
    expect(back.password).toBe('correct horse battery staple');
    await expect(keyring().withUserKey('move', [wrapped], 1, () => undefined)).rejects.toMatchObject({
      name: 'DisabledException',
    });
  });

  it("cannot unwrap another user's wrapped key as its own", async () => {
    const ring = keyring();
    const bobs = await ring.generate('bob');
    await expect(keyring().withUserKey('alice', [bobs], 1, () => undefined)).rejects.toBeInstanceOf(
      InvalidCiphertextException,
    );
  });

  describe('preconditions', () => {
    it('the vault key id must not be empty', () => {
      expect(() => new UserKeyring({ kms: harness.kms, vaultKeyId: '' })).toThrow(
        'the vault key id must not be empty',
      );
    });

    it('the user id must not be empty', async () => {
      await expect(keyring().generate('')).rejects.toThrow('the user id must not be empty');
    });

    it('the user key version must be a positive integer', async () => {
      await expect(keyring().generate('x', 0)).rejects.toThrow(
        'the user key version must be a positive integer',
      );
    });

    it('KMS returned no 256-bit data key', async () => {
      // A fault the emulator cannot produce: KMS answering with a short data key.
      const kms = new KMSClient({ region: 'us-east-1' });
      const mock = mockClient(kms);
      mock
        .on(GenerateDataKeyCommand)
        .resolves({ Plaintext: new Uint8Array(16), CiphertextBlob: new Uint8Array(8), KeyId: 'k' });
      const ring = new UserKeyring({ kms, vaultKeyId: 'k', cache: new KeyCache({ clearOnExit: false }) });
      await expect(ring.generate('x')).rejects.toThrow('KMS returned no 256-bit data key');
      mock.restore();
    });

    it('KMS returned no 256-bit user key', async () => {
      const kms = new KMSClient({ region: 'us-east-1' });
      const mock = mockClient(kms);
      mock.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(31) });
      const ring = new UserKeyring({ kms, vaultKeyId: 'k', cache: new KeyCache({ clearOnExit: false }) });
      const wrapped = { version: 1, kmsKeyId: 'k', ciphertext: new Uint8Array(8) };
      await expect(ring.withUserKey('x', [wrapped], 1, () => undefined)).rejects.toThrow(
        'KMS returned no 256-bit user key',
      );
      mock.restore();
    });
  });
});
