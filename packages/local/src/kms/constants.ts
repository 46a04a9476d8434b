import type { KeySpec, KeyUsage } from './types';

export const ACCOUNT_ID = '111122223333';
export const DEFAULT_REGION = 'us-east-1';

/** KMS's own limits. */
export const MAX_ENCRYPT_PLAINTEXT_BYTES = 4096;
export const MAX_SIGN_MESSAGE_BYTES = 4096;
export const MAX_MAC_MESSAGE_BYTES = 4096;
export const MAX_RANDOM_BYTES = 1024;
export const MAX_DATA_KEY_BYTES = 1024;

export const KEY_USAGES_BY_SPEC: Record<KeySpec, readonly KeyUsage[]> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY'],
  ECC_NIST_P384: ['SIGN_VERIFY'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
};

export const RSA_MODULUS_BITS: Partial<Record<KeySpec, number>> = {
  RSA_2048: 2048,
  RSA_3072: 3072,
  RSA_4096: 4096,
};

export const EC_CURVES: Partial<Record<KeySpec, string>> = {
  ECC_NIST_P256: 'prime256v1',
  ECC_NIST_P384: 'secp384r1',
};

/** Signing algorithm → node:crypto digest and padding. */
export const SIGNING_ALGORITHMS: Record<string, { digest: string; pss?: boolean; family: 'rsa' | 'ec' }> = {
  RSASSA_PSS_SHA_256: { digest: 'sha256', pss: true, family: 'rsa' },
  RSASSA_PSS_SHA_384: { digest: 'sha384', pss: true, family: 'rsa' },
  RSASSA_PSS_SHA_512: { digest: 'sha512', pss: true, family: 'rsa' },
  RSASSA_PKCS1_V1_5_SHA_256: { digest: 'sha256', family: 'rsa' },
  RSASSA_PKCS1_V1_5_SHA_384: { digest: 'sha384', family: 'rsa' },
  RSASSA_PKCS1_V1_5_SHA_512: { digest: 'sha512', family: 'rsa' },
  ECDSA_SHA_256: { digest: 'sha256', family: 'ec' },
  ECDSA_SHA_384: { digest: 'sha384', family: 'ec' },
};

export const RSA_ENCRYPTION_ALGORITHMS: Record<string, string> = {
  RSAES_OAEP_SHA_1: 'sha1',
  RSAES_OAEP_SHA_256: 'sha256',
};

export function signingAlgorithmsFor(spec: KeySpec): string[] {
  if (spec.startsWith('RSA_')) return Object.keys(SIGNING_ALGORITHMS).filter((a) => a.startsWith('RSASSA_'));
  if (spec === 'ECC_NIST_P256') return ['ECDSA_SHA_256'];
  if (spec === 'ECC_NIST_P384') return ['ECDSA_SHA_384'];
  return [];
}

export function encryptionAlgorithmsFor(spec: KeySpec): string[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (spec.startsWith('RSA_')) return Object.keys(RSA_ENCRYPTION_ALGORITHMS);
  return [];
}
