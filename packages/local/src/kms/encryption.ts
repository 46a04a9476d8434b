import { MAX_ENCRYPT_PLAINTEXT_BYTES } from './constants';
import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
import { openSymmetric, parseSymmetricBlob, sealSymmetric } from './material';
import { type Input, type Output, optionalContext, optionalString, requiredBlob } from './request';
import { openRsa, sealRsa } from './rsa-encryption';
import type { KeyRecord } from './types';

/**
 * Encrypt, Decrypt and ReEncrypt: symmetric keys here, RSA encryption keys in
 * `rsa-encryption.ts`.
 */

export function encrypt(ctx: KeyContext, input: Input): Output {
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'ENCRYPT_DECRYPT', 'Encrypt');
  const plaintext = requiredBlob(input, 'Plaintext');
  if (plaintext.length > MAX_ENCRYPT_PLAINTEXT_BYTES) {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENCRYPT_PLAINTEXT_BYTES}`,
    );
  }
  const algorithm = optionalString(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const context = optionalContext(input, 'EncryptionContext');
  // The SDK model has no KeyMaterialId on Encrypt's answer.
  const { blob } = seal(key, plaintext, algorithm, context);
  return { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: algorithm };
}

export function decrypt(ctx: KeyContext, input: Input): Output {
  const blob = requiredBlob(input, 'CiphertextBlob');
  const algorithm = optionalString(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const context = optionalContext(input, 'EncryptionContext');
  const { key, plaintext, materialId } = open(ctx, blob, input.KeyId, algorithm, context);
  return {
    Plaintext: plaintext.toString('base64'),
    KeyId: key.arn,
    EncryptionAlgorithm: algorithm,
    ...(materialId !== undefined ? { KeyMaterialId: materialId } : {}),
  };
}

export function reEncrypt(ctx: KeyContext, input: Input): Output {
  const blob = requiredBlob(input, 'CiphertextBlob');
  const sourceAlgorithm = optionalString(input, 'SourceEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const destinationAlgorithm = optionalString(input, 'DestinationEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const destination = ctx.forUsage(ctx.resolve(input.DestinationKeyId), 'ENCRYPT_DECRYPT', 'ReEncrypt');
  const {
    key: source,
    plaintext,
    materialId: sourceMaterialId,
  } = open(ctx, blob, input.SourceKeyId, sourceAlgorithm, optionalContext(input, 'SourceEncryptionContext'));
  try {
    const sealed = seal(
      destination,
      plaintext,
      destinationAlgorithm,
      optionalContext(input, 'DestinationEncryptionContext'),
    );
    return {
      CiphertextBlob: sealed.blob.toString('base64'),
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: sourceAlgorithm,
      DestinationEncryptionAlgorithm: destinationAlgorithm,
      ...(sourceMaterialId !== undefined ? { SourceKeyMaterialId: sourceMaterialId } : {}),
      ...(sealed.materialId !== undefined ? { DestinationKeyMaterialId: sealed.materialId } : {}),
    };
  } finally {
    plaintext.fill(0);
  }
}

/** The blob, and the id of the key material that sealed it for a symmetric key. */
interface Sealed {
  readonly blob: Buffer;
  readonly materialId?: string;
}

function seal(
  key: KeyRecord,
  plaintext: Buffer,
  algorithm: string,
  context: Record<string, string> | undefined,
): Sealed {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') return { blob: sealRsa(key, plaintext, algorithm, context) };
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
    );
  }
  const material = current(key);
  return { blob: sealSymmetric(key.keyId, material, plaintext, context), materialId: material.id };
}

interface Opened {
  readonly key: KeyRecord;
  readonly plaintext: Buffer;
  /** Symmetric ciphertexts only, as the SDK model says. */
  readonly materialId?: string;
}

function open(
  ctx: KeyContext,
  blob: Buffer,
  keyIdParam: unknown,
  algorithm: string,
  context: Record<string, string> | undefined,
): Opened {
  const named = keyIdParam === undefined ? undefined : ctx.resolve(keyIdParam);
  if (named !== undefined && named.keySpec !== 'SYMMETRIC_DEFAULT') {
    const key = ctx.forUsage(named, 'ENCRYPT_DECRYPT', 'Decrypt');
    return { key, plaintext: openRsa(key, blob, algorithm) };
  }
  const parsed = parseSymmetricBlob(blob);
  if (parsed === undefined) {
    throw new KmsError('InvalidCiphertextException', 'the ciphertext is not a KMS symmetric ciphertext blob');
  }
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `EncryptionAlgorithm '${algorithm}' is not valid for a symmetric ciphertext`,
    );
  }
  const owner = ctx.state.keys[parsed.keyId];
  if (owner === undefined)
    throw new KmsError('InvalidCiphertextException', 'the ciphertext names no known key');
  if (named !== undefined && named.keyId !== owner.keyId) {
    throw new KmsError(
      'IncorrectKeyException',
      'the key ID in the request does not identify the key that encrypted the ciphertext',
    );
  }
  const key = ctx.forUsage(owner, 'ENCRYPT_DECRYPT', 'Decrypt');
  const material = key.materials.find((m) => m.id === parsed.materialId);
  if (material === undefined)
    throw new KmsError('InvalidCiphertextException', 'the ciphertext names unknown key material');
  return { key, plaintext: openSymmetric(parsed, material, context), materialId: material.id };
}
