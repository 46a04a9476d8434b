import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { EC_CURVES, RSA_MODULUS_BITS } from './constants';
import { KmsError } from './errors';
import type { KeyMaterial, KeySpec } from './types';

/**
 * Key material and the emulator's symmetric ciphertext format.
 *
 * A symmetric ciphertext blob names its key and the material generation that
 * sealed it, so Decrypt needs no KeyId and rotated keys still decrypt old
 * blobs, as with KMS:
 *
 *   version (1) | key id (36, ASCII UUID) | material id (16) | iv (12) | tag (16) | ciphertext
 *
 * AES-256-GCM authenticates the header and the canonical encryption context,
 * so a changed context, key id or byte is InvalidCiphertextException.
 */
const BLOB_VERSION = 0x01;
const KEY_ID_LENGTH = 36;
const MATERIAL_ID_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH + MATERIAL_ID_LENGTH;
const AAD_PREFIX = Buffer.from('kmsvault-kms-emulator/v1\0');

export function newMaterial(spec: KeySpec): KeyMaterial {
  const base = { id: randomBytes(MATERIAL_ID_LENGTH).toString('hex'), createdAt: Date.now() };
  if (spec === 'SYMMETRIC_DEFAULT' || spec === 'HMAC_256') {
    return { ...base, secret: randomBytes(32).toString('base64') };
  }
  const bits = RSA_MODULUS_BITS[spec];
  if (bits !== undefined) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    return { ...base, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }
  const curve = EC_CURVES[spec];
  if (curve !== undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    return { ...base, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }
  throw new KmsError('ValidationException', `unsupported KeySpec ${spec}`);
}

export function privateKeyOf(material: KeyMaterial): KeyObject {
  if (material.privateKeyPem === undefined)
    throw new KmsError('KMSInternalException', 'key has no private part');
  return createPrivateKey(material.privateKeyPem);
}

export function publicKeyOf(material: KeyMaterial): KeyObject {
  return createPublicKey(privateKeyOf(material));
}

export function secretOf(material: KeyMaterial): Buffer {
  if (material.secret === undefined) throw new KmsError('KMSInternalException', 'key has no secret part');
  return Buffer.from(material.secret, 'base64');
}

/** Encryption context as bytes: sorted pairs, so key order never matters. */
export function canonicalContext(context: Record<string, string> | undefined): Buffer {
  const pairs = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(pairs));
}

export function sealSymmetric(
  keyId: string,
  material: KeyMaterial,
  plaintext: Buffer,
  context: Record<string, string> | undefined,
): Buffer {
  const header = Buffer.concat([
    Buffer.from([BLOB_VERSION]),
    Buffer.from(keyId, 'ascii'),
    Buffer.from(material.id, 'hex'),
  ]);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', secretOf(material), iv);
  cipher.setAAD(Buffer.concat([AAD_PREFIX, header, canonicalContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
}

export interface ParsedBlob {
  readonly keyId: string;
  readonly materialId: string;
  readonly header: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly body: Buffer;
}

/** Parses a symmetric blob, or returns undefined when it is not one of ours. */
export function parseSymmetricBlob(blob: Buffer): ParsedBlob | undefined {
  if (blob.length < HEADER_LENGTH + IV_LENGTH + TAG_LENGTH || blob[0] !== BLOB_VERSION) return undefined;
  const keyId = blob.subarray(1, 1 + KEY_ID_LENGTH).toString('ascii');
  if (!/^[0-9a-f-]{36}$/.test(keyId)) return undefined;
  return {
    keyId,
    materialId: blob.subarray(1 + KEY_ID_LENGTH, HEADER_LENGTH).toString('hex'),
    header: blob.subarray(0, HEADER_LENGTH),
    iv: blob.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH),
    tag: blob.subarray(HEADER_LENGTH + IV_LENGTH, HEADER_LENGTH + IV_LENGTH + TAG_LENGTH),
    body: blob.subarray(HEADER_LENGTH + IV_LENGTH + TAG_LENGTH),
  };
}

export function openSymmetric(
  parsed: ParsedBlob,
  material: KeyMaterial,
  context: Record<string, string> | undefined,
): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', secretOf(material), parsed.iv);
    decipher.setAAD(Buffer.concat([AAD_PREFIX, parsed.header, canonicalContext(context)]));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    throw new KmsError(
      'InvalidCiphertextException',
      'the ciphertext is invalid or its encryption context does not match',
    );
  }
}
