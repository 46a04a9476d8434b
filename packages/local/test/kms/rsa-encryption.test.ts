import { createPublicKey, constants as cryptoConstants, publicEncrypt } from 'node:crypto';
import {
  DecryptCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  InvalidCiphertextException,
  InvalidKeyUsageException,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('Encrypt and Decrypt (RSA)', () => {
    it.each(['RSA_2048', 'RSA_3072', 'RSA_4096'] as const)(
      'decrypts RSAES_OAEP_SHA_256 ciphertexts made by node:crypto with the %s public key',
      async (spec) => {
        // Arrange
        const keyId = await fixture.createKey(spec, 'ENCRYPT_DECRYPT');
        const { PublicKey, EncryptionAlgorithms } = await fixture.kms.send(
          new GetPublicKeyCommand({ KeyId: keyId }),
        );
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
        const viaKms = await fixture.kms.send(
          new EncryptCommand({
            KeyId: keyId,
            Plaintext: text('hash bytes'),
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
          }),
        );

        // Assert
        expect(EncryptionAlgorithms).toEqual(['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
        const opened = await fixture.kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: local,
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          }),
        );
        expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('hash bytes');
        const openedKms = await fixture.kms.send(
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
      const keyId = await fixture.createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      const { CiphertextBlob } = await fixture.kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: text('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      );
      const tampered = Buffer.from(CiphertextBlob as Uint8Array);
      tampered[10] = (tampered[10] as number) ^ 0xff;
      await expect(
        fixture.kms.send(
          new DecryptCommand({
            KeyId: keyId,
            CiphertextBlob: tampered,
            EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
      await expect(
        fixture.kms.send(
          new DecryptCommand({ KeyId: keyId, CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }),
        ),
      ).rejects.toBeInstanceOf(InvalidCiphertextException);
    });

    it('throws InvalidKeyUsageException for the symmetric algorithm on an RSA key', async () => {
      const keyId = await fixture.createKey('RSA_2048', 'ENCRYPT_DECRYPT');
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });
});
