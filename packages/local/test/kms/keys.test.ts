import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  DescribeKeyCommand,
  type KeySpec,
  type KeyUsageType,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { useKmsServer } from './fixture';

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
