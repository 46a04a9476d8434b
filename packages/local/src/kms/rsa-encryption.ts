import { constants as cryptoConstants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { RSA_ENCRYPTION_ALGORITHMS, RSA_MODULUS_BITS } from './constants';
import { KmsError } from './errors';
import { current } from './key-context';
import { privateKeyOf, publicKeyOf } from './material';
import type { KeyRecord } from './types';

/** RSA encryption keys: RSAES-OAEP sealing and opening, for Encrypt, Decrypt and ReEncrypt. */

export function sealRsa(
  key: KeyRecord,
  plaintext: Buffer,
  algorithm: string,
  context: Record<string, string> | undefined,
): Buffer {
  const hash = oaepHash(key, algorithm);
  if (context !== undefined && Object.keys(context).length > 0) {
    throw new KmsError('ValidationException', 'EncryptionContext is not supported with asymmetric keys');
  }
  const modulusBytes = (RSA_MODULUS_BITS[key.keySpec] as number) / 8;
  const hashBytes = hash === 'sha1' ? 20 : 32;
  const max = modulusBytes - 2 * hashBytes - 2;
  if (plaintext.length > max) {
    throw new KmsError(
      'ValidationException',
      `Plaintext is over ${max} bytes, the limit of ${algorithm} on ${key.keySpec}`,
    );
  }
  return publicEncrypt(
    { key: publicKeyOf(current(key)), padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
    plaintext,
  );
}

/** Opens an RSA ciphertext with a key already checked for ENCRYPT_DECRYPT. */
export function openRsa(key: KeyRecord, blob: Buffer, algorithm: string): Buffer {
  const hash = oaepHash(key, algorithm);
  try {
    return privateDecrypt(
      { key: privateKeyOf(current(key)), padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
      blob,
    );
  } catch {
    throw new KmsError('InvalidCiphertextException', 'the ciphertext is invalid for this key and algorithm');
  }
}

function oaepHash(key: KeyRecord, algorithm: string): string {
  const hash = RSA_ENCRYPTION_ALGORITHMS[algorithm];
  if (hash === undefined) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
    );
  }
  return hash;
}
