import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_MAC_MESSAGE_BYTES } from './constants';
import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
import { secretOf } from './material';
import { type Input, type Output, requiredBlob, requiredString } from './request';

/** HMAC keys: GenerateMac and VerifyMac. */

export function generateMac(ctx: KeyContext, input: Input): Output {
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'GENERATE_VERIFY_MAC', 'GenerateMac');
  const { message, algorithm } = macInput(input);
  const mac = createHmac('sha256', secretOf(current(key)))
    .update(message)
    .digest();
  return { KeyId: key.arn, Mac: mac.toString('base64'), MacAlgorithm: algorithm };
}

export function verifyMac(ctx: KeyContext, input: Input): Output {
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'GENERATE_VERIFY_MAC', 'VerifyMac');
  const { message, algorithm } = macInput(input);
  const given = requiredBlob(input, 'Mac');
  const expected = createHmac('sha256', secretOf(current(key)))
    .update(message)
    .digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new KmsError('KMSInvalidMacException', 'the MAC is not valid');
  }
  return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm };
}

function macInput(input: Input): { message: Buffer; algorithm: string } {
  const message = requiredBlob(input, 'Message');
  if (message.length > MAX_MAC_MESSAGE_BYTES) {
    throw new KmsError('ValidationException', `Message is over ${MAX_MAC_MESSAGE_BYTES} bytes`);
  }
  const algorithm = requiredString(input, 'MacAlgorithm');
  if (algorithm !== 'HMAC_SHA_256') {
    throw new KmsError('InvalidKeyUsageException', `MacAlgorithm '${algorithm}' is not valid for HMAC_256`);
  }
  return { message, algorithm };
}
