import {
  CreateAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  type KeySpec,
  type KeyUsageType,
  ListAliasesCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Function: updateAlias', () => {
  const fixture = useKmsServer();

  it.each<[string, [KeySpec, KeyUsageType], [KeySpec, KeyUsageType]]>([
    ['symmetric to HMAC', ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'], ['HMAC_256', 'GENERATE_VERIFY_MAC']],
    [
      'symmetric to asymmetric of the same usage',
      ['SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
      ['RSA_2048', 'ENCRYPT_DECRYPT'],
    ],
    [
      'asymmetric to asymmetric of another usage',
      ['RSA_2048', 'ENCRYPT_DECRYPT'],
      ['RSA_2048', 'SIGN_VERIFY'],
    ],
  ])(
    'throws ValidationException when the new target key has another key type or usage (%s)',
    async (_, from, to) => {
      // Arrange
      const { kms, createKey } = fixture;
      const current = await createKey(...from);
      const other = await createKey(...to);
      const AliasName = `alias/update-mismatch/${current}`;
      await kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: current }));

      // Act
      const refused = kms.send(new UpdateAliasCommand({ AliasName, TargetKeyId: other }));

      // Assert
      await expect(refused).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/same key type and key usage/),
      });
      const still = await kms.send(new DescribeKeyCommand({ KeyId: AliasName }));
      expect(still.KeyMetadata?.KeyId).toBe(current);
    },
  );

  it('moves the alias to another key of the same type and usage, whatever its key spec', async () => {
    // Arrange: KMS compares the type (symmetric, asymmetric, HMAC) and the usage, not the spec.
    const { kms, createKey } = fixture;
    const rsa = await createKey('RSA_2048', 'SIGN_VERIFY');
    const ecc = await createKey('ECC_NIST_P256', 'SIGN_VERIFY');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: rsa }));

    // Act
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: ecc }));

    // Assert
    const moved = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/signer' }));
    expect(moved.KeyMetadata?.KeyId).toBe(ecc);
  });
});

describe('Function: createAlias', () => {
  const fixture = useKmsServer();

  it('accepts alias names that contain a colon, as KMS does', async () => {
    // Arrange
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    const AliasName = 'alias/kmsvault:prod/vault-key';

    // Act
    await kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: keyId }));
    const byName = await kms.send(new EncryptCommand({ KeyId: AliasName, Plaintext: text('x') }));
    const byArn = await kms.send(
      new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:111122223333:${AliasName}` }),
    );
    const listed = await kms.send(new ListAliasesCommand({ KeyId: keyId }));

    // Assert
    expect(byName.KeyId).toContain(keyId);
    expect(byArn.KeyMetadata?.KeyId).toBe(keyId);
    expect(listed.Aliases?.map((a) => a.AliasName)).toEqual([AliasName]);
  });

  it('throws ValidationException for characters outside letters, digits, :, /, _ and -, or a name over 256', async () => {
    const { kms, createKey } = fixture;
    const keyId = await createKey();
    for (const AliasName of ['alias/has space', 'alias/dot.ted', 'alias/', `alias/${'a'.repeat(251)}`]) {
      await expect(kms.send(new CreateAliasCommand({ AliasName, TargetKeyId: keyId }))).rejects.toMatchObject(
        {
          name: 'ValidationException',
        },
      );
    }
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: `alias/${'a'.repeat(250)}`, TargetKeyId: keyId })),
    ).resolves.toBeDefined();
  });
});
