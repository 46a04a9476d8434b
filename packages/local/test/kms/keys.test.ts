import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  type KeySpec,
  type KeyUsageType,
  KMSInvalidStateException,
  ListKeysCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Function: createKey', () => {
  const fixture = useKmsServer();

  it.each<[string, CreateKeyCommandInput]>([
    ['Origin EXTERNAL', { Origin: 'EXTERNAL' }],
    ['Origin AWS_CLOUDHSM', { Origin: 'AWS_CLOUDHSM', CustomKeyStoreId: 'cks-1234567890abcdef0' }],
    ['Origin EXTERNAL_KEY_STORE', { Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreId: 'cks-1', XksKeyId: 'k' }],
    ['MultiRegion true', { MultiRegion: true }],
    ['a custom key store', { CustomKeyStoreId: 'cks-1234567890abcdef0' }],
  ])('throws UnsupportedOperationException for %s instead of ignoring it', async (_, input) => {
    await expect(fixture.kms.send(new CreateKeyCommand(input))).rejects.toBeInstanceOf(
      UnsupportedOperationException,
    );
  });

  it('creates a key with Origin AWS_KMS and MultiRegion false, as KMS does by default', async () => {
    const { KeyMetadata } = await fixture.kms.send(
      new CreateKeyCommand({ Origin: 'AWS_KMS', MultiRegion: false }),
    );
    expect(KeyMetadata).toMatchObject({
      Origin: 'AWS_KMS',
      MultiRegion: false,
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
  });

  it.each<KeySpec>(['RSA_2048', 'ECC_NIST_P256', 'HMAC_256'])(
    'throws ValidationException when KeyUsage is missing for a %s key',
    async (KeySpec) => {
      await expect(fixture.kms.send(new CreateKeyCommand({ KeySpec }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/KeyUsage/),
      });
    },
  );

  it.each<[KeySpec, KeyUsageType]>([
    ['SYMMETRIC_DEFAULT', 'SIGN_VERIFY'],
    ['SYMMETRIC_DEFAULT', 'GENERATE_VERIFY_MAC'],
    ['HMAC_256', 'ENCRYPT_DECRYPT'],
    ['RSA_2048', 'GENERATE_VERIFY_MAC'],
    ['RSA_2048', 'KEY_AGREEMENT'],
    ['ECC_NIST_P256', 'ENCRYPT_DECRYPT'],
    ['ECC_SECG_P256K1', 'KEY_AGREEMENT'],
    ['ML_KEM_768', 'SIGN_VERIFY'],
  ])(
    'throws ValidationException for KeySpec %s with KeyUsage %s, a pair KMS refuses',
    async (KeySpec, KeyUsage) => {
      await expect(fixture.kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    },
  );

  it.each<[KeySpec, KeyUsageType]>([
    ['ECC_NIST_P256', 'KEY_AGREEMENT'],
    ['ECC_NIST_P521', 'SIGN_VERIFY'],
    ['HMAC_512', 'GENERATE_VERIFY_MAC'],
    ['ML_DSA_44', 'SIGN_VERIFY'],
  ])(
    'throws UnsupportedOperationException for %s %s, a pair KMS has but the emulator does not',
    async (KeySpec, KeyUsage) => {
      await expect(fixture.kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
    },
  );

  it('throws ValidationException for a KeySpec or Origin KMS does not know', async () => {
    const { kms } = fixture;
    await expect(
      kms.send(new CreateKeyCommand({ KeySpec: 'AES_512' as KeySpec, KeyUsage: 'ENCRYPT_DECRYPT' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      kms.send(new CreateKeyCommand({ Origin: 'SOMEWHERE' as CreateKeyCommandInput['Origin'] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('Function: updateKeyDescription', () => {
  const fixture = useKmsServer();

  it('replaces the description DescribeKey shows', async () => {
    // Arrange
    const keyId = await fixture.createKey();

    // Act
    await fixture.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'vault key, v2' }));
    const { KeyMetadata } = await fixture.kms.send(new DescribeKeyCommand({ KeyId: keyId }));

    // Assert
    expect(KeyMetadata?.Description).toBe('vault key, v2');
  });

  it('accepts an empty description and throws ValidationException over 8192 characters', async () => {
    const keyId = await fixture.createKey();
    await fixture.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: '' }));
    const { KeyMetadata } = await fixture.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata?.Description).toBe('');
    await expect(
      fixture.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'd'.repeat(8193) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('throws KMSInvalidStateException on a key pending deletion', async () => {
    const keyId = await fixture.createKey();
    await fixture.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await expect(
      fixture.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'late' })),
    ).rejects.toBeInstanceOf(KMSInvalidStateException);
  });
});

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

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
      const keyId = await fixture.createKey(spec, usage);
      const { KeyMetadata } = await fixture.kms.send(new DescribeKeyCommand({ KeyId: keyId }));

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
        fixture.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('throws NotFoundException for an unknown key id, key ARN or alias', async () => {
      const unknown = '0b0b0b0b-1111-2222-3333-444444444444';
      for (const KeyId of [unknown, `arn:aws:kms:us-east-1:111122223333:key/${unknown}`, 'alias/nope']) {
        await expect(fixture.kms.send(new DescribeKeyCommand({ KeyId }))).rejects.toBeInstanceOf(
          NotFoundException,
        );
      }
    });
  });

  describe('ListKeys', () => {
    it('pages through every key with Limit and Marker', async () => {
      // Arrange
      const own = await Promise.all([fixture.createKey(), fixture.createKey(), fixture.createKey()]);

      // Act
      const seen: string[] = [];
      let Marker: string | undefined;
      do {
        const page = await fixture.kms.send(new ListKeysCommand({ Limit: 2, ...(Marker ? { Marker } : {}) }));
        expect(page.Keys?.length).toBeLessThanOrEqual(2);
        for (const k of page.Keys ?? []) seen.push(k.KeyId as string);
        Marker = page.Truncated ? page.NextMarker : undefined;
      } while (Marker);

      // Assert
      expect(seen).toEqual(expect.arrayContaining(own));
      expect(new Set(seen).size).toBe(seen.length);
    });
  });

  describe('key state', () => {
    it('throws DisabledException on a disabled key and works again once enabled', async () => {
      const keyId = await fixture.createKey();
      await fixture.kms.send(new DisableKeyCommand({ KeyId: keyId }));
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(DisabledException);
      await fixture.kms.send(new EnableKeyCommand({ KeyId: keyId }));
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).resolves.toBeDefined();
    });

    it('throws KMSInvalidStateException on a key pending deletion, until the deletion is cancelled', async () => {
      // Arrange
      const keyId = await fixture.createKey();
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }),
      );

      // Act
      const scheduled = await fixture.kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }),
      );

      // Assert
      expect(scheduled.KeyState).toBe('PendingDeletion');
      expect(scheduled.DeletionDate?.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      await expect(fixture.kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toBeInstanceOf(
        KMSInvalidStateException,
      );
      await expect(fixture.kms.send(new EnableKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        KMSInvalidStateException,
      );
      await fixture.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
      await fixture.kms.send(new EnableKeyCommand({ KeyId: keyId }));
      await expect(fixture.kms.send(new DecryptCommand({ CiphertextBlob }))).resolves.toBeDefined();
    });

    it('throws ValidationException for a pending window outside 7..30 days', async () => {
      const keyId = await fixture.createKey();
      await expect(
        fixture.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 3 })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
});
