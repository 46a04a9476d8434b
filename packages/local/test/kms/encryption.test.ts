import {
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('Encrypt, Decrypt and ReEncrypt (symmetric)', () => {
    let keyId: string;
    beforeAll(async () => {
      keyId = await fixture.createKey();
    });

    it('round-trips with an encryption context in any key order, without a KeyId on Decrypt', async () => {
      // Act
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: text('secret'),
          EncryptionContext: { a: '1', b: '2' },
        }),
      );
      const { Plaintext, KeyId } = await fixture.kms.send(
        new DecryptCommand({ CiphertextBlob, EncryptionContext: { b: '2', a: '1' } }),
      );

      // Assert
      expect(Buffer.from(Plaintext as Uint8Array).toString()).toBe('secret');
      expect(KeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${keyId}`);
      expect(Buffer.from(CiphertextBlob as Uint8Array).includes(text('secret'))).toBe(false);
    });

    it('throws InvalidCiphertextException for a wrong or missing encryption context', async () => {
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x'), EncryptionContext: { userId: 'alice' } }),
      );
      await expect(
        fixture.kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { userId: 'mallory' } })),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
      await expect(fixture.kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toBeInstanceOf(
        InvalidCiphertextException,
      );
    });

    it('throws InvalidCiphertextException for a tampered blob, every byte position', async () => {
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('tamper me') }),
      );
      const blob = Buffer.from(CiphertextBlob as Uint8Array);
      for (let i = 0; i < blob.length; i += 7) {
        const tampered = Buffer.from(blob);
        tampered[i] = (tampered[i] as number) ^ 0x01;
        await expect(
          fixture.kms.send(new DecryptCommand({ CiphertextBlob: tampered })),
        ).rejects.toBeInstanceOf(InvalidCiphertextException);
      }
      await expect(
        fixture.kms.send(new DecryptCommand({ CiphertextBlob: text('garbage') })),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    });

    it('throws IncorrectKeyException when the KeyId does not name the key that encrypted', async () => {
      const other = await fixture.createKey();
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }),
      );
      await expect(
        fixture.kms.send(new DecryptCommand({ CiphertextBlob, KeyId: other })),
      ).rejects.toBeInstanceOf(IncorrectKeyException);
    });

    it('throws ValidationException for a plaintext over 4096 bytes', async () => {
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4097, 1) })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.alloc(4096, 1) })),
      ).resolves.toBeDefined();
    });

    it('throws InvalidKeyUsageException when encrypting with a signing key', async () => {
      const signing = await fixture.createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: signing, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });

    it('re-encrypts under another key and context without returning plaintext', async () => {
      // Arrange
      const destination = await fixture.createKey();
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('moved'), EncryptionContext: { v: '1' } }),
      );

      // Act
      const re = await fixture.kms.send(
        new ReEncryptCommand({
          CiphertextBlob,
          SourceEncryptionContext: { v: '1' },
          DestinationKeyId: destination,
          DestinationEncryptionContext: { v: '2' },
        }),
      );
      const opened = await fixture.kms.send(
        new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: '2' } }),
      );

      // Assert
      expect(re).not.toHaveProperty('Plaintext');
      expect(re.SourceKeyId).toContain(keyId);
      expect(re.KeyId).toContain(destination);
      expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('moved');
      await expect(
        fixture.kms.send(
          new ReEncryptCommand({
            CiphertextBlob,
            SourceEncryptionContext: { v: 'x' },
            DestinationKeyId: destination,
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    });
  });
});
