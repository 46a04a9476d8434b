import { constants as cryptoConstants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { MAX_ENCRYPT_PLAINTEXT_BYTES, RSA_ENCRYPTION_ALGORITHMS, RSA_MODULUS_BITS } from './constants';
import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
import { openSymmetric, parseSymmetricBlob, privateKeyOf, publicKeyOf, sealSymmetric } from './material';
import { type Input, type Output, optionalContext, optionalString, requiredBlob } from './request';
import type { KeyRecord } from './types';

/** Encrypt, Decrypt and ReEncrypt, on symmetric keys and RSA encryption keys. */

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
  return {
    CiphertextBlob: seal(key, plaintext, algorithm, context).toString('base64'),
    KeyId: key.arn,
    EncryptionAlgorithm: algorithm,
  };
}

export function decrypt(ctx: KeyContext, input: Input): Output {
  const blob = requiredBlob(input, 'CiphertextBlob');
  const algorithm = optionalString(input, 'EncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const context = optionalContext(input, 'EncryptionContext');
  const { key, plaintext } = open(ctx, blob, input.KeyId, algorithm, context);
  return { Plaintext: plaintext.toString('base64'), KeyId: key.arn, EncryptionAlgorithm: algorithm };
}

export function reEncrypt(ctx: KeyContext, input: Input): Output {
  const blob = requiredBlob(input, 'CiphertextBlob');
  const sourceAlgorithm = optionalString(input, 'SourceEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const destinationAlgorithm = optionalString(input, 'DestinationEncryptionAlgorithm') ?? 'SYMMETRIC_DEFAULT';
  const destination = ctx.forUsage(ctx.resolve(input.DestinationKeyId), 'ENCRYPT_DECRYPT', 'ReEncrypt');
  const { key: source, plaintext } = open(
    ctx,
    blob,
    input.SourceKeyId,
    sourceAlgorithm,
    optionalContext(input, 'SourceEncryptionContext'),
  );
  try {
    const sealed = seal(
      destination,
      plaintext,
      destinationAlgorithm,
      optionalContext(input, 'DestinationEncryptionContext'),
    );
    return {
      CiphertextBlob: sealed.toString('base64'),
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: sourceAlgorithm,
      DestinationEncryptionAlgorithm: destinationAlgorithm,
    };
  } finally {
    plaintext.fill(0);
  }
}

function seal(
  key: KeyRecord,
  plaintext: Buffer,
  algorithm: string,
  context: Record<string, string> | undefined,
): Buffer {
  if (key.keySpec === 'SYMMETRIC_DEFAULT') {
    if (algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new KmsError(
        'InvalidKeyUsageException',
        `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
      );
    }
    return sealSymmetric(key.keyId, current(key), plaintext, context);
  }
  const hash = RSA_ENCRYPTION_ALGORITHMS[algorithm];
  if (hash === undefined) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
    );
  }
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

function open(
  ctx: KeyContext,
  blob: Buffer,
  keyIdParam: unknown,
  algorithm: string,
  context: Record<string, string> | undefined,
): { key: KeyRecord; plaintext: Buffer } {
  const named = keyIdParam === undefined ? undefined : ctx.resolve(keyIdParam);
  if (named !== undefined && named.keySpec !== 'SYMMETRIC_DEFAULT') {
    const key = ctx.forUsage(named, 'ENCRYPT_DECRYPT', 'Decrypt');
    const hash = RSA_ENCRYPTION_ALGORITHMS[algorithm];
    if (hash === undefined) {
      throw new KmsError(
        'InvalidKeyUsageException',
        `EncryptionAlgorithm '${algorithm}' is not valid for ${key.keySpec}`,
      );
    }
    try {
      const plaintext = privateDecrypt(
        {
          key: privateKeyOf(current(key)),
          padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: hash,
        },
        blob,
      );
      return { key, plaintext };
    } catch {
      throw new KmsError(
        'InvalidCiphertextException',
        'the ciphertext is invalid for this key and algorithm',
      );
    }
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
  return { key, plaintext: openSymmetric(parsed, material, context) };
}
