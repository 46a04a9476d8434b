import { createHmac } from 'node:crypto';
import {
  GenerateMacCommand,
  InvalidKeyUsageException,
  KMSInvalidMacException,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('GenerateMac and VerifyMac', () => {
    it('returns HMAC-SHA-256 and verifies it; a wrong MAC is KMSInvalidMacException', async () => {
      // Arrange
      const keyId = await fixture.createKey('HMAC_256', 'GENERATE_VERIFY_MAC');
      const message = text('scrypt hash');

      // Act
      const { Mac } = await fixture.kms.send(
        new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
      );
      const again = await fixture.kms.send(
        new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }),
      );
      const ok = await fixture.kms.send(
        new VerifyMacCommand({ KeyId: keyId, Message: message, Mac, MacAlgorithm: 'HMAC_SHA_256' }),
      );

      // Assert
      expect(Mac).toHaveLength(32);
      expect(Buffer.from(again.Mac as Uint8Array)).toEqual(Buffer.from(Mac as Uint8Array));
      expect(ok.MacValid).toBe(true);
      const other = createHmac('sha256', 'not the key').update(message).digest();
      await expect(
        fixture.kms.send(
          new VerifyMacCommand({ KeyId: keyId, Message: message, Mac: other, MacAlgorithm: 'HMAC_SHA_256' }),
        ),
      ).rejects.toBeInstanceOf(KMSInvalidMacException);
    });

    it('throws InvalidKeyUsageException for a MAC on an encryption key', async () => {
      const keyId = await fixture.createKey();
      await expect(
        fixture.kms.send(
          new GenerateMacCommand({ KeyId: keyId, Message: text('m'), MacAlgorithm: 'HMAC_SHA_256' }),
        ),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });
  });
});
