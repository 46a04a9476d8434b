import {
  AlreadyExistsException,
  CreateAliasCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  InvalidAliasNameException,
  type KeySpec,
  type KeyUsageType,
  ListAliasesCommand,
  NotFoundException,
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

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('aliases', () => {
    it('creates, lists, updates and deletes an alias usable wherever KMS takes a key id', async () => {
      // Arrange
      const first = await fixture.createKey();
      const second = await fixture.createKey();
      await fixture.kms.send(
        new CreateAliasCommand({ AliasName: 'alias/kmsvault/test', TargetKeyId: first }),
      );

      // Act
      const byName = await fixture.kms.send(
        new EncryptCommand({ KeyId: 'alias/kmsvault/test', Plaintext: text('hi') }),
      );
      const byArn = await fixture.kms.send(
        new DescribeKeyCommand({ KeyId: 'arn:aws:kms:us-east-1:111122223333:alias/kmsvault/test' }),
      );
      const listed = await fixture.kms.send(new ListAliasesCommand({ KeyId: first }));
      await fixture.kms.send(
        new UpdateAliasCommand({ AliasName: 'alias/kmsvault/test', TargetKeyId: second }),
      );
      const moved = await fixture.kms.send(new DescribeKeyCommand({ KeyId: 'alias/kmsvault/test' }));
      await fixture.kms.send(new DeleteAliasCommand({ AliasName: 'alias/kmsvault/test' }));

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
      await expect(
        fixture.kms.send(new DescribeKeyCommand({ KeyId: 'alias/kmsvault/test' })),
      ).rejects.toBeInstanceOf(NotFoundException);
    });

    it('throws AlreadyExistsException for a taken alias name', async () => {
      const keyId = await fixture.createKey();
      await fixture.kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keyId }));
      await expect(
        fixture.kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keyId })),
      ).rejects.toBeInstanceOf(AlreadyExistsException);
    });

    it('throws InvalidAliasNameException for a reserved alias and ValidationException for a malformed one', async () => {
      const keyId = await fixture.createKey();
      await expect(
        fixture.kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: keyId })),
      ).rejects.toBeInstanceOf(InvalidAliasNameException);
      await expect(
        fixture.kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: keyId })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
});
