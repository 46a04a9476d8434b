import { KEY_USAGES_BY_SPEC } from './constants';
import { KmsError } from './errors';
import { type Input, optionalString } from './request';
import type { KeySpec, KeyUsage } from './types';

/**
 * Which key spec goes with which key usage in KMS, from the CreateKey API
 * reference (the `KeyUsage` and `KeySpec` members of `@aws-sdk/client-kms`'s
 * model), so the emulator refuses what KMS refuses (ValidationException) and
 * says UnsupportedOperationException for what KMS has and it does not emulate.
 * A hand-written table: no package publishes KMS's pairing rules.
 */
const KMS_KEY_USAGES_BY_SPEC: Readonly<Record<string, readonly string[]>> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  HMAC_224: ['GENERATE_VERIFY_MAC'],
  HMAC_256: ['GENERATE_VERIFY_MAC'],
  HMAC_384: ['GENERATE_VERIFY_MAC'],
  HMAC_512: ['GENERATE_VERIFY_MAC'],
  RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
  ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
  ECC_NIST_EDWARDS25519: ['SIGN_VERIFY'],
  ECC_SECG_P256K1: ['SIGN_VERIFY'],
  ML_DSA_44: ['SIGN_VERIFY'],
  ML_DSA_65: ['SIGN_VERIFY'],
  ML_DSA_87: ['SIGN_VERIFY'],
  ML_KEM_512: ['ENCAPSULATE_DECAPSULATE'],
  ML_KEM_768: ['ENCAPSULATE_DECAPSULATE'],
  ML_KEM_1024: ['ENCAPSULATE_DECAPSULATE'],
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
};

const KMS_KEY_USAGES = new Set(Object.values(KMS_KEY_USAGES_BY_SPEC).flat());

const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'];

/** The three kinds of key KMS tells apart where a key is swapped for another (UpdateAlias). */
export type KeyType = 'symmetric' | 'asymmetric' | 'HMAC';

export function keyTypeOf(spec: KeySpec): KeyType {
  if (spec === 'SYMMETRIC_DEFAULT') return 'symmetric';
  return spec.startsWith('HMAC_') ? 'HMAC' : 'asymmetric';
}

/**
 * CreateKey's KeySpec (or the older CustomerMasterKeySpec) and KeyUsage, as
 * KMS checks them: KeyUsage may be left out only for a symmetric encryption
 * key. The parameters that need what the emulator does not have (imported key
 * material, custom key stores, multi-Region keys) are refused, never ignored.
 */
export function createKeySpecAndUsage(input: Input): { spec: KeySpec; usage: KeyUsage } {
  refuseUnemulatedOrigin(input);
  const spec =
    optionalString(input, 'KeySpec') ?? optionalString(input, 'CustomerMasterKeySpec') ?? 'SYMMETRIC_DEFAULT';
  const allowed = KMS_KEY_USAGES_BY_SPEC[spec];
  if (allowed === undefined) {
    throw new KmsError(
      'ValidationException',
      `KeySpec '${spec}' is not one of ${Object.keys(KMS_KEY_USAGES_BY_SPEC).join(', ')}`,
    );
  }
  const given = optionalString(input, 'KeyUsage');
  if (given === undefined && spec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'ValidationException',
      `KeyUsage is required for a ${spec} key; it may be left out only for SYMMETRIC_DEFAULT`,
    );
  }
  const usage = given ?? 'ENCRYPT_DECRYPT';
  if (!KMS_KEY_USAGES.has(usage)) {
    throw new KmsError(
      'ValidationException',
      `KeyUsage '${usage}' is not one of ${[...KMS_KEY_USAGES].join(', ')}`,
    );
  }
  if (!allowed.includes(usage)) {
    throw new KmsError(
      'ValidationException',
      `KeyUsage '${usage}' is not compatible with KeySpec '${spec}'; use ${allowed.join(' or ')}`,
    );
  }
  const emulated = KEY_USAGES_BY_SPEC[spec as KeySpec] as readonly string[] | undefined;
  if (emulated === undefined || !emulated.includes(usage)) {
    throw new KmsError(
      'UnsupportedOperationException',
      `KeySpec '${spec}' with KeyUsage '${usage}' is valid in KMS but not emulated`,
    );
  }
  return { spec: spec as KeySpec, usage: usage as KeyUsage };
}

function refuseUnemulatedOrigin(input: Input): void {
  const origin = optionalString(input, 'Origin') ?? 'AWS_KMS';
  if (!ORIGINS.includes(origin)) {
    throw new KmsError('ValidationException', `Origin '${origin}' is not one of ${ORIGINS.join(', ')}`);
  }
  if (origin !== 'AWS_KMS') {
    throw new KmsError(
      'UnsupportedOperationException',
      `Origin '${origin}' is not emulated: keys here have AWS_KMS key material`,
    );
  }
  if (
    input.MultiRegion !== undefined &&
    input.MultiRegion !== null &&
    typeof input.MultiRegion !== 'boolean'
  ) {
    throw new KmsError('ValidationException', 'MultiRegion must be a boolean');
  }
  if (input.MultiRegion === true) {
    throw new KmsError('UnsupportedOperationException', 'multi-Region keys are not emulated');
  }
  for (const field of ['CustomKeyStoreId', 'XksKeyId']) {
    if (optionalString(input, field) !== undefined) {
      throw new KmsError('UnsupportedOperationException', `${field}: custom key stores are not emulated`);
    }
  }
}
