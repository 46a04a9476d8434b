import { randomBytes } from 'node:crypto';
import { MAX_DATA_KEY_BYTES, MAX_RANDOM_BYTES } from './constants';
import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
import { sealSymmetric } from './material';
import { type Input, type Output, optionalContext, optionalInteger, optionalString } from './request';

/** GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom. */

export function generateDataKey(ctx: KeyContext, input: Input, withPlaintext: boolean): Output {
  const operation = withPlaintext ? 'GenerateDataKey' : 'GenerateDataKeyWithoutPlaintext';
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'ENCRYPT_DECRYPT', operation);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${key.arn} is not a symmetric key; ${operation} needs one`,
    );
  }
  const spec = optionalString(input, 'KeySpec');
  const count = optionalInteger(input, 'NumberOfBytes');
  if ((spec === undefined) === (count === undefined)) {
    throw new KmsError('ValidationException', 'exactly one of KeySpec and NumberOfBytes is required');
  }
  let length: number;
  if (spec !== undefined) {
    if (spec !== 'AES_256' && spec !== 'AES_128') {
      throw new KmsError('ValidationException', `KeySpec '${spec}' is not AES_256 or AES_128`);
    }
    length = spec === 'AES_256' ? 32 : 16;
  } else {
    length = count as number;
    if (length < 1 || length > MAX_DATA_KEY_BYTES) {
      throw new KmsError(
        'ValidationException',
        `NumberOfBytes ${length} is not between 1 and ${MAX_DATA_KEY_BYTES}`,
      );
    }
  }
  const plaintext = randomBytes(length);
  const context = optionalContext(input, 'EncryptionContext');
  const material = current(key);
  const blob = sealSymmetric(key.keyId, material, plaintext, context);
  const out: Output = { CiphertextBlob: blob.toString('base64'), KeyId: key.arn, KeyMaterialId: material.id };
  if (withPlaintext) out.Plaintext = plaintext.toString('base64');
  plaintext.fill(0);
  return out;
}

export function generateRandom(input: Input): Output {
  const count = optionalInteger(input, 'NumberOfBytes');
  if (count === undefined || count < 1 || count > MAX_RANDOM_BYTES) {
    throw new KmsError(
      'ValidationException',
      `NumberOfBytes ${count} is not between 1 and ${MAX_RANDOM_BYTES}`,
    );
  }
  return { Plaintext: randomBytes(count).toString('base64') };
}
