import {
  constants as cryptoConstants,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import {
  encryptionAlgorithmsFor,
  MAX_SIGN_MESSAGE_BYTES,
  SIGNING_ALGORITHMS,
  signingAlgorithmsFor,
} from './constants';
import { KmsError } from './errors';
import { current, type KeyContext } from './key-context';
import { privateKeyOf, publicKeyOf } from './material';
import { type Input, type Output, optionalString, requiredBlob, requiredString } from './request';
import type { KeyRecord } from './types';

/** Asymmetric keys: Sign, Verify and GetPublicKey (RSA and ECDSA). */

export function sign(ctx: KeyContext, input: Input): Output {
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'SIGN_VERIFY', 'Sign');
  const { message, algorithm, digest } = signingInput(key, input);
  const signature = nodeSign(digest, message, signatureKey(algorithm, privateKeyOf(current(key))));
  return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
}

export function verify(ctx: KeyContext, input: Input): Output {
  const key = ctx.forUsage(ctx.resolve(input.KeyId), 'SIGN_VERIFY', 'Verify');
  const { message, algorithm, digest } = signingInput(key, input);
  const signature = requiredBlob(input, 'Signature');
  let valid = false;
  try {
    valid = nodeVerify(digest, message, signatureKey(algorithm, publicKeyOf(current(key))), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new KmsError('KMSInvalidSignatureException', 'the signature is not valid');
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: algorithm };
}

function signingInput(key: KeyRecord, input: Input): { message: Buffer; algorithm: string; digest: string } {
  const message = requiredBlob(input, 'Message');
  if (message.length > MAX_SIGN_MESSAGE_BYTES) {
    throw new KmsError('ValidationException', `Message is over ${MAX_SIGN_MESSAGE_BYTES} bytes`);
  }
  const messageType = optionalString(input, 'MessageType') ?? 'RAW';
  if (messageType !== 'RAW') {
    // node:crypto cannot sign a precomputed digest for ECDSA or PSS, so the
    // emulator does not pretend to: callers send RAW messages.
    throw new KmsError(
      'UnsupportedOperationException',
      `MessageType '${messageType}' is not emulated; use RAW`,
    );
  }
  const algorithm = requiredString(input, 'SigningAlgorithm');
  if (!signingAlgorithmsFor(key.keySpec).includes(algorithm)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `SigningAlgorithm '${algorithm}' is not valid for ${key.keySpec}; use one of ${signingAlgorithmsFor(key.keySpec).join(', ')}`,
    );
  }
  return { message, algorithm, digest: (SIGNING_ALGORITHMS[algorithm] as { digest: string }).digest };
}

export function getPublicKey(ctx: KeyContext, input: Input): Output {
  const key = ctx.resolve(input.KeyId);
  if (key.state === 'Disabled') throw new KmsError('DisabledException', `${key.arn} is disabled.`);
  if (key.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
  if (key.keySpec === 'SYMMETRIC_DEFAULT' || key.keySpec === 'HMAC_256') {
    throw new KmsError(
      'UnsupportedOperationException',
      `${key.arn} is a ${key.keySpec} key and has no public key`,
    );
  }
  const der = publicKeyOf(current(key)).export({ type: 'spki', format: 'der' });
  const out: Output = {
    KeyId: key.arn,
    PublicKey: der.toString('base64'),
    KeySpec: key.keySpec,
    CustomerMasterKeySpec: key.keySpec,
    KeyUsage: key.keyUsage,
  };
  if (key.keyUsage === 'SIGN_VERIFY') out.SigningAlgorithms = signingAlgorithmsFor(key.keySpec);
  else out.EncryptionAlgorithms = encryptionAlgorithmsFor(key.keySpec);
  return out;
}

function signatureKey(algorithm: string, keyObject: KeyObject) {
  const spec = SIGNING_ALGORITHMS[algorithm];
  if (spec?.pss === true) {
    return {
      key: keyObject,
      padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
      saltLength: cryptoConstants.RSA_PSS_SALTLEN_DIGEST,
    };
  }
  if (spec?.family === 'rsa') return { key: keyObject, padding: cryptoConstants.RSA_PKCS1_PADDING };
  // ECDSA: KMS returns DER-encoded signatures, node's default.
  return { key: keyObject, dsaEncoding: 'der' as const };
}
