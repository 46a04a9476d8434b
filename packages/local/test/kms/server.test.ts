import {
  createHmac,
  createPublicKey,
  constants as cryptoConstants,
  verify as cryptoVerify,
  publicEncrypt,
} from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlreadyExistsException,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  IncorrectKeyException,
  InvalidAliasNameException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  KMSInvalidMacException,
  KMSInvalidSignatureException,
  KMSInvalidStateException,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  NotFoundException,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UnsupportedOperationException,
  UpdateAliasCommand,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { localKmsClient } from '../../src/clients';
import { FileStateStore, KmsEmulatorServer } from '../../src/kms';

const text = (s: string) => Buffer.from(s, 'utf8');

describe('Class: KmsEmulatorServer', () => {
  let server: KmsEmulatorServer;
  let kms: KMSClient;

  beforeAll(async () => {
    server = new KmsEmulatorServer();
    await server.start();
    kms = localKmsClient(server.endpoint, { maxAttempts: 1 });
  });

  afterAll(async () => {
    kms.destroy();
    await server.stop();
  });

  const createKey = async (
    KeySpec: KeySpec = 'SYMMETRIC_DEFAULT',
    KeyUsage: KeyUsageType = 'ENCRYPT_DECRYPT',
  ) => {
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec, KeyUsage, Description: `${KeySpec} test key` }),
    );
    return KeyMetadata?.KeyId as string;
  };

  describe('CreateKey and DescribeKey', () => {
    it.each<[KeySpec, KeyUsageType]>([
      ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
      ['RSA_2048', 'ENCRYPT_DECRYPT'],
      ['RSA_3072', 'ENCRYPT_DECRYPT'],
      ['RSA_4096', 'ENCRYPT_DECRYPT'],
      ['RSA_2048', 'SIGN_VERIFY'],
      ['RSA_3072', 'SIGN_VERIFY'],
      ['RSA_4096', 'SIGN_VERIFY'],
      ['ECC_NIST_P256', 'SIGN_VERIFY'],
      ['ECC_NIST_P384', 'SIGN_VERIFY'],
      ['HMAC_256', 'GENERATE_VERIFY_MAC'],
    ])('creates a %s key for %s and describes it', async (spec, usage) => {
      // Act
      const keyId = await createKey(spec, usage);
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));

      // Assert
      expect(KeyMetadata).toMatchObject({
        KeyId: keyId,
        Arn: `arn:aws:kms:us-east-1:111122223333:key/${keyId}`,
        KeySpec: spec,
        KeyUsage: usage,
        KeyState: 'Enabled',
        Enabled: true,
        Description: `${spec} test key`,
      });
      expect(KeyMetadata?.CreationDate).toBeInstanceOf(Date);
    });

    it('throws ValidationException for a key spec and usage KMS does not pair', async () => {
      await expect(
        kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('throws NotFoundException for an unknown key id, key ARN or alias', async () => {
      const unknown = '0b0b0b0b-1111-2222-3333-444444444444';
      for (const KeyId of [unknown, `arn:aws:kms:us-east-1:111122223333:key/${unknown}`, 'alias/nope']) {
        await expect(kms.send(new DescribeKeyCommand({ KeyId }))).rejects.toBeInstanceOf(NotFoundException);
      }
    });
  });

  describe('ListKeys', () => {
    it('pages through every key with Limit and Marker', async () => {
      // Arrange
      const own = await Promise.all([createKey(), createKey(), createKey()]);

      // Act
      const seen: string[] = [];
      let Marker: string | undefined;
      do {
        const page = await kms.send(new ListKeysCommand({ Limit: 2, ...(Marker ? { Marker } : {}) }));
        expect(page.Keys?.length).toBeLessThanOrEqual(2);
        for (const k of page.Keys ?? []) seen.push(k.KeyId as string);
        Marker = page.Truncated ? page.NextMarker : undefined;
      } while (Marker);

      // Assert
      expect(seen).toEqual(expect.arrayContaining(own));
      expect(new Set(seen).size).toBe(seen.length);
    });
  });

  describe('aliases', () => {
    it('creates, lists, updates and deletes an alias usable wherever KMS takes a key id', async () => {
      // Arrange
      const first = await createKey();
      const second = await createKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/kmsvault/test', TargetKeyId: first }));

      // Act
      const byName = await kms.send(
        new EncryptCommand({ KeyId: 'alias/kmsvault/test', Plaintext: text('hi') }),
      );
      const byArn = await kms.send(
        new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/kmsvault/test' }),
      );
      const listed = await kms.send(new ListAliasesCommand({ KeyId: first }));
      await kms.send(new UpdateAliasCommand({ AliasName: 'alias/kmsvault/test', TargetKeyId: second }));
      const moved = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/kmsvault/test' }));
      await kms.send(new DeleteAliasCommand({ AliasName: 'alias/kmsvault/test' }));

      // Assert
      expect(byName.KeyId).toContain(first);
      expect(byArn.KeyMetadata?.KeyId).toBe(first);
      expect(listed.Aliases).toEqual([
        expect.objectContaining({
          AliasName: 'alias/kmsvault/test',
          AliasArn: 'arn:aws:kms:us-east-1:111122223333:alias/kmsvault/test',
          TargetKeyId: first,
        }),
      ]);
      expect(moved.KeyMetadata?.KeyId).toBe(second);
      await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/kmsvault/test' }))).rejects.toBeInstanceOf(
        NotFoundException,
      );
    });

    it('throws AlreadyExistsException for a taken alias name', async () => {
      const keyId = await createKey();
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keyId }));
      await expect(
        kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keyId })),
      ).rejects.toBeInstanceOf(AlreadyExistsException);
    });

    it('throws InvalidAliasNameException for a reserved alias and ValidationException for a malformed one', async () => {
      const keyId = await createKey();
      await expect(
        kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: keyId })),
      ).rejects.toBeInstanceOf(InvalidAliasNameException);
      await expect(
        kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: keyId })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('Encrypt, Decrypt and ReEncrypt (symmetric)', () => {
    let keyId: string;
    beforeAll(async () => {
      keyId = await createKey();
    });

    it('round-trips with an encryption context in any key order, without a KeyId on Decrypt', async () => {
      // Act
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: text('secret'),
          EncryptionContext: { a: '1', b: '2' },
        }),
      );
      const { Plaintext, KeyId } = await kms.send(
        new DecryptCommand({ CiphertextBlob, EncryptionContext: { b: '2', a: '1' } }),
      );

      // Assert
      expect(Buffer.from(Plaintext as Uint8Array).toString()).toBe('secret');
      expect(KeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
      expect(Buffer.from(CiphertextBlob as Uint8Array).includes(text('secret'))).toBe(false);
    });

    it('throws InvalidCiphertextException for a wrong or missing encryption context', async () => {
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x'), EncryptionContext: { userId: 'alice' } }),
      );
      await expect(
        kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { userId: 'mallory' } })),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
      await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toBeInstanceOf(
        InvalidCiphertextException,
      );
    });

    it('throws InvalidCiphertextException for a tampered blob, every byte position', async () => {
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('tamper me') }),
      );
      const blob = Buffer.from(CiphertextBlob as Uint8Array);
      for (let i = 0; i < blob.length; i += 7) {
        const tampered = Buffer.from(blob);
        tampered[i] = (tampered[i] as number) ^ 0x01;
        await expect(kms.send(new DecryptCommand({ CiphertextBlob: tampered }))).rejects.toBeInstanceOf(
          InvalidCiphertextException,
        );
      }
      await expect(kms.send(new DecryptCommand({ CiphertextBlob: text('garbage') }))).rejects.toBeInstanceOf(
        InvalidCiphertextException,
      );
    });

    it('throws IncorrectKeyException when the KeyId does not name the key that encrypted', async () => {
      const other = await createKey();
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }));
      await expect(kms.send(new DecryptCommand({ CiphertextBlob, KeyId: other }))).rejects.toBeInstanceOf(
        IncorrectKeyException,
      );
    });

    it('throws ValidationException for a plaintext over 4096 bytes', async () => {
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097, 1) })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4096, 1) })),
      ).resolves.toBeDefined();
    });

    it('throws InvalidKeyUsageException when encrypting with a signing key', async () => {
      const signing = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(
        kms.send(new EncryptCommand({ KeyId: signing, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });

    it('re-encrypts under another key and context without returning plaintext', async () => {
      // Arrange
      const destination = await createKey();
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('moved'), EncryptionContext: { v: '1' } }),
      );

      // Act
      const re = await kms.send(
        new ReEncryptCommand({
          CiphertextBlob,
          SourceEncryptionContext: { v: '1' },
          DestinationKeyId: destination,
          DestinationEncryptionContext: { v: '2' },
        }),
      );
      const opened = await kms.send(
        new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: '2' } }),
      );

      // Assert
      expect(re).not.toHaveProperty('Plaintext');
      expect(re.SourceKeyId).toContain(keyId);
      expect(re.KeyId).toContain(destination);
      expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('moved');
      await expect(
        kms.send(
          new ReEncryptCommand({
            CiphertextBlob,
            SourceEncryptionContext: { v: 'x' },
            DestinationKeyId: destination,
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    });
  });

  describe('Encrypt and Decrypt (RSA)', () => {
    it.each(['RSA_2048', 'RSA_3072', 'RSA_4096'] as const)(
      'decrypts RSAES_OAEP_SHA_256 ciphertexts made by node:crypto with the %s public key',
      async (spec) => {
        // Arrange
        const keyId = await createKey(spec, 'ENCRYPT_DECRYPT');
        const { PublicKey, EncryptionAlgorithms } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
        const publicKey = createPublicKey({
          key: Buffer.from(PublicKey as Uint8Array),
          format: 'der',
          type: 'spki',
        });

        // Act
        const local = publicEncrypt(
          { key: publicKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          text('hash bytes'),
        );
        const viaKms = await kms.send(
          new EncryptCommand({
            KeyId: keyId,
            Plaintext: text('hash bytes'),
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
          }),
        );

        // Assert
        expect(EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
        const opened = await kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: local,
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          }),
        );
        expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('hash bytes');
        const openedKms = await kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: viaKms.CiphertextBlob,
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
          }),
        );
        expect(Buffer.from(openedKms.Plaintext as Uint8Array).toString()).toBe('hash bytes');
      },
    );

    it('throws InvalidCiphertextException for a tampered RSA ciphertext or the wrong OAEP hash', async () => {
      const keyId = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      );
      const tampered = Buffer.from(CiphertextBlob as Uint8Array);
      tampered[10] = (tampered[10] as number) ^ 0xff;
      await expect(
        kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: tampered,
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
      await expect(
        kms.send(
          new DecryptCommand({ KeyId: keyId, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    });

    it('throws InvalidKeyUsageException for the symmetric algorithm on an RSA key', async () => {
      const keyId = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });

  describe('GenerateDataKey and GenerateDataKeyWithoutPlaintext', () => {
    it('returns a data key whose blob decrypts to the same bytes under the same context', async () => {
      // Arrange
      const keyId = await createKey();
      const context = { purpose: 'user-key', userId: 'u1' };

      // Act
      const dk = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      const opened = await kms.send(
        new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: context }),
      );
      const bare = await kms.send(
        new GenerateDataKeyWithoutPlaintextCommand({
          KeyId: keyId,
          NumberOfBytes: 64,
          EncryptionContext: context,
        }),
      );
      const bareOpened = await kms.send(
        new DecryptCommand({ CiphertextBlob: bare.CiphertextBlob, EncryptionContext: context }),
      );

      // Assert
      expect(dk.Plaintext).toHaveLength(32);
      expect(Buffer.from(opened.Plaintext as Uint8Array)).toEqual(Buffer.from(dk.Plaintext as Uint8Array));
      expect(bare).not.toHaveProperty('Plaintext');
      expect(bareOpened.Plaintext).toHaveLength(64);
    });

    it('throws ValidationException without exactly one of KeySpec and NumberOfBytes', async () => {
      const keyId = await createKey();
      await expect(kms.send(new GenerateDataKeyCommand({ KeyId: keyId }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('throws InvalidKeyUsageException on an asymmetric key', async () => {
      const keyId = await createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      await expect(
        kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });

  describe('GenerateRandom', () => {
    it('returns the number of bytes asked for, different each time', async () => {
      const a = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
      const b = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
      expect(a.Plaintext).toHaveLength(32);
      expect(Buffer.from(a.Plaintext as Uint8Array)).not.toEqual(Buffer.from(b.Plaintext as Uint8Array));
    });

    it('throws ValidationException outside 1..1024 bytes', async () => {
      await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(kms.send(new GenerateRandomCommand({}))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });

  describe('Sign, Verify and GetPublicKey', () => {
    it.each([
      ['ECC_NIST_P256', 'ECDSA_SHA_256', 'sha256', undefined],
      ['ECC_NIST_P384', 'ECDSA_SHA_384', 'sha384', undefined],
      ['RSA_2048', 'RSASSA_PSS_SHA_256', 'sha256', cryptoConstants.RSA_PKCS1_PSS_PADDING],
      ['RSA_3072', 'RSASSA_PKCS1_V1_5_SHA_384', 'sha384', cryptoConstants.RSA_PKCS1_PADDING],
      ['RSA_4096', 'RSASSA_PSS_SHA_512', 'sha512', cryptoConstants.RSA_PKCS1_PSS_PADDING],
    ] as const)(
      'signs with %s %s in KMS format, verified by node:crypto and by Verify',
      async (spec, alg, hash, padding) => {
        // Arrange
        const keyId = await createKey(spec, 'SIGN_VERIFY');
        const message = text('header.payload');

        // Act
        const signed = await kms.send(
          new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: alg }),
        );
        const { PublicKey, SigningAlgorithms } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
        const verified = await kms.send(
          new VerifyCommand({
            KeyId: keyId,
            Message: message,
            Signature: signed.Signature,
            SigningAlgorithm: alg,
          }),
        );

        // Assert
        const publicKey = createPublicKey({
          key: Buffer.from(PublicKey as Uint8Array),
          format: 'der',
          type: 'spki',
        });
        const signature = Buffer.from(signed.Signature as Uint8Array);
        const key =
          padding === undefined
            ? { key: publicKey, dsaEncoding: 'der' as const }
            : { key: publicKey, padding, saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST };
        expect(cryptoVerify(hash, message, key, signature)).toBe(true);
        if (padding === undefined) expect(signature[0]).toBe(0x30); // DER SEQUENCE, as KMS returns
        expect(SigningAlgorithms).toContain(alg);
        expect(verified.SignatureValid).toBe(true);
      },
    );

    it('throws KMSInvalidSignatureException for a tampered message or signature', async () => {
      const keyId = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      const { Signature } = await kms.send(
        new SignCommand({ KeyId: keyId, Message: text('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      await expect(
        kms.send(
          new VerifyCommand({
            KeyId: keyId,
            Message: text('n'),
            Signature,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ),
      ).rejects.toBeInstanceOf(KMSInvalidSignatureException);
      const bad = Buffer.from(Signature as Uint8Array);
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      await expect(
        kms.send(
          new VerifyCommand({
            KeyId: keyId,
            Message: text('m'),
            Signature: bad,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ),
      ).rejects.toBeInstanceOf(KMSInvalidSignatureException);
    });

    it('throws InvalidKeyUsageException for an algorithm the key spec does not support', async () => {
      const keyId = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(
        kms.send(new SignCommand({ KeyId: keyId, Message: text('m'), SigningAlgorithm: 'ECDSA_SHA_384' })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });

    it('throws UnsupportedOperationException for the public key of a symmetric key', async () => {
      const keyId = await createKey();
      await expect(kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
    });
  });

  describe('GenerateMac and VerifyMac', () => {
    it('returns HMAC-SHA-256 and verifies it; a wrong MAC is KMSInvalidMacException', async () => {
      // Arrange
      const keyId = await createKey('HMAC_256', 'GENERATE_VERIFY_MAC');
      const message = text('scrypt hash');

      // Act
      const { Mac } = await kms.send(
        new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
      );
      const again = await kms.send(
        new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
      );
      const ok = await kms.send(
        new VerifyMacCommand({ KeyId: keyId, Message: message, Mac, MacAlgorithm: 'HMAC_SHA_256' }),
      );

      // Assert
      expect(Mac).toHaveLength(32);
      expect(Buffer.from(again.Mac as Uint8Array)).toEqual(Buffer.from(Mac as Uint8Array));
      expect(ok.MacValid).toBe(true);
      const other = createHmac('sha256', 'not the key').update(message).digest();
      await expect(
        kms.send(
          new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: other, MacAlgorithm: 'HMAC_SHA_256' }),
        ),
      ).rejects.toBeInstanceOf(KMSInvalidMacException);
    });

    it('throws InvalidKeyUsageException for a MAC on an encryption key', async () => {
      const keyId = await createKey();
      await expect(
        kms.send(new GenerateMacCommand({ KeyId: keyId, Message: text('m'), MacAlgorithm: 'HMAC_SHA_256' })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });

  describe('key state', () => {
    it('throws DisabledException on a disabled key and works again once enabled', async () => {
      const keyId = await createKey();
      await kms.send(new DisableKeyCommand({ KeyId: keyId }));
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(DisabledException);
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).resolves.toBeDefined();
    });

    it('throws KMSInvalidStateException on a key pending deletion, until the deletion is cancelled', async () => {
      // Arrange
      const keyId = await createKey();
      const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }));

      // Act
      const scheduled = await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }),
      );

      // Assert
      expect(scheduled.KeyState).toBe('PendingDeletion');
      expect(scheduled.DeletionDate?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toBeInstanceOf(
        KMSInvalidStateException,
      );
      await expect(kms.send(new EnableKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        KMSInvalidStateException,
      );
      await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
      await kms.send(new EnableKeyCommand({ KeyId: keyId }));
      await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).resolves.toBeDefined();
    });

    it('throws ValidationException for a pending window outside 7..30 days', async () => {
      const keyId = await createKey();
      await expect(
        kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 3 })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });

  describe('rotation', () => {
    it('enables rotation, reports it, and rotates on demand with old ciphertexts still decrypting', async () => {
      // Arrange
      const keyId = await createKey();
      const before = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('old'), EncryptionContext: { a: 'b' } }),
      );

      // Act
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
      const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
      const after = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('new') }));
      const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }));

      // Assert
      expect(status.KeyRotationEnabled).toBe(true);
      expect(status.RotationPeriodInDays).toBe(90);
      expect(rotations.Rotations).toHaveLength(1);
      const oldOpened = await kms.send(
        new DecryptCommand({ CiphertextBlob: before.CiphertextBlob, EncryptionContext: { a: 'b' } }),
      );
      expect(Buffer.from(oldOpened.Plaintext as Uint8Array).toString()).toBe('old');
      const newOpened = await kms.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }));
      expect(Buffer.from(newOpened.Plaintext as Uint8Array).toString()).toBe('new');
      // The material id (bytes 37..52) changed with the rotation.
      const materialOf = (blob: Uint8Array | undefined) =>
        Buffer.from(blob as Uint8Array)
          .subarray(37, 53)
          .toString('hex');
      expect(materialOf(after.CiphertextBlob)).not.toBe(materialOf(before.CiphertextBlob));
    });

    it('throws UnsupportedOperationException when rotating an asymmetric key', async () => {
      const keyId = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(kms.send(new EnableKeyRotationCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
      await expect(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
    });
  });

  describe('call statistics', () => {
    it('counts calls per operation and resets them', async () => {
      // Arrange
      const keyId = await createKey();
      await fetch(`${server.endpoint}/_stats/reset`, { method: 'POST' });

      // Act
      await kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }));
      await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('y') }));
      const stats = (await (await fetch(`${server.endpoint}/_stats`)).json()) as {
        calls: Record<string, number>;
        total: number;
      };
      await fetch(`${server.endpoint}/_stats/reset`, { method: 'POST' });
      const after = (await (await fetch(`${server.endpoint}/_stats`)).json()) as { total: number };

      // Assert
      expect(stats.calls).toEqual({ GenerateRandom: 1, Encrypt: 2 });
      expect(stats.total).toBe(3);
      expect(after.total).toBe(0);
    });
  });

  describe('protocol', () => {
    it('answers UnknownOperationException for an operation KMS does not have', async () => {
      const response = await fetch(server.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'TrentService.DoMagic', 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('answers SerializationException for a body that is not JSON', async () => {
      const response = await fetch(server.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' },
        body: '{nope',
      });
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    });
  });
});

describe('Class: FileStateStore', () => {
  it('keeps keys in a 0600 file that a restarted emulator decrypts with', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-kms-'));
    const file = join(dir, 'kms.json');
    const first = new KmsEmulatorServer({ store: new FileStateStore(file) });
    await first.start();
    const kms1 = localKmsClient(first.endpoint, { maxAttempts: 1 });
    const { KeyMetadata } = await kms1.send(new CreateKeyCommand({}));
    const sealed = await kms1.send(
      new EncryptCommand({ KeyId: KeyMetadata?.KeyId, Plaintext: text('persisted') }),
    );
    kms1.destroy();
    await first.stop();

    // Act
    const second = new KmsEmulatorServer({ store: new FileStateStore(file) });
    await second.start();
    const kms2 = localKmsClient(second.endpoint, { maxAttempts: 1 });
    const opened = await kms2.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    kms2.destroy();
    await second.stop();

    // Assert
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('persisted');
    rmSync(dir, { recursive: true, force: true });
  });
});
