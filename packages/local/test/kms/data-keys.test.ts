import {
  DecryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  InvalidKeyUsageException,
} from '@aws-sdk/client-kms';
import { useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('GenerateDataKey and GenerateDataKeyWithoutPlaintext', () => {
    it('returns a data key whose blob decrypts to the same bytes under the same context', async () => {
      // Arrange
      const keyId = await fixture.createKey();
      const context = { purpose: 'user-key', userId: 'u1' };

      // Act
      const dk = await fixture.kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      const opened = await fixture.kms.send(
        new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: context }),
      );
      const bare = await fixture.kms.send(
        new GenerateDataKeyWithoutPlaintextCommand({
          KeyId: keyId,
          NumberOfBytes: 64,
          EncryptionContext: context,
        }),
      );
      const bareOpened = await fixture.kms.send(
        new DecryptCommand({ CiphertextBlob: bare.CiphertextBlob, EncryptionContext: context }),
      );

      // Assert
      expect(dk.Plaintext).toHaveLength(32);
      expect(Buffer.from(opened.Plaintext as Uint8Array)).toEqual(Buffer.from(dk.Plaintext as Uint8Array));
      expect(bare).not.toHaveProperty('Plaintext');
      expect(bareOpened.Plaintext).toHaveLength(64);
    });

    it('throws ValidationException without exactly one of KeySpec and NumberOfBytes', async () => {
      const keyId = await fixture.createKey();
      await expect(fixture.kms.send(new GenerateDataKeyCommand({ KeyId: keyId }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(
        fixture.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', NumberOfBytes: 32 })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('throws InvalidKeyUsageException on an asymmetric key', async () => {
      const keyId = await fixture.createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      await expect(
        fixture.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });

  describe('GenerateRandom', () => {
    it('returns the number of bytes asked for, different each time', async () => {
      const a = await fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
      const b = await fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
      expect(a.Plaintext).toHaveLength(32);
      expect(Buffer.from(a.Plaintext as Uint8Array)).not.toEqual(Buffer.from(b.Plaintext as Uint8Array));
    });

    it('throws ValidationException outside 1..1024 bytes', async () => {
      await expect(
        fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(fixture.kms.send(new GenerateRandomCommand({}))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    });
  });
});
