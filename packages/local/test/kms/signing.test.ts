import { createPublicKey, constants as cryptoConstants, verify as cryptoVerify } from 'node:crypto';
import {
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSInvalidSignatureException,
  SignCommand,
  UnsupportedOperationException,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

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
        const keyId = await fixture.createKey(spec, 'SIGN_VERIFY');
        const message = text('header.payload');

        // Act
        const signed = await fixture.kms.send(
          new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: alg }),
        );
        const { PublicKey, SigningAlgorithms } = await fixture.kms.send(
          new GetPublicKeyCommand({ KeyId: keyId }),
        );
        const verified = await fixture.kms.send(
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
      const keyId = await fixture.createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      const { Signature } = await fixture.kms.send(
        new SignCommand({ KeyId: keyId, Message: text('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
      await expect(
        fixture.kms.send(
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
        fixture.kms.send(
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
      const keyId = await fixture.createKey('ECC_NIST_P256', 'SIGN_VERIFY');
      await expect(
        fixture.kms.send(
          new SignCommand({ KeyId: keyId, Message: text('m'), SigningAlgorithm: 'ECDSA_SHA_384' }),
        ),
      ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    });

    it('throws UnsupportedOperationException for the public key of a symmetric key', async () => {
      const keyId = await fixture.createKey();
      await expect(fixture.kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
    });
  });
});
