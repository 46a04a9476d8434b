import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import {
  ITEM_SALT_BYTES,
  IV_BYTES,
  MATERIAL_ATTRIBUTE,
  SIGNATURE_ATTRIBUTE,
  SIGNATURE_BYTES,
  SUITE_ID,
  TAG_BYTES,
  USER_KEY_BYTES,
} from './constants';
import { IntegrityError, SchemaError } from './errors';
import { hkdfSha256 } from './hkdf';
import { needs } from './needs';
import { randomBytesFast } from './random';
import { type CustomType, decodeValue, encodeValue } from './values';

/** What the encryptor does with an attribute (the DynamoDB Encryption Client's actions). */
export enum AttributeAction {
  /** Encrypted with AES-256-GCM and covered by the item signature. */
  ENCRYPT_AND_SIGN = 'ENCRYPT_AND_SIGN',
  /** Stored in the clear and covered by the item signature. */
  SIGN_ONLY = 'SIGN_ONLY',
  /** Stored in the clear, not signed: only what DynamoDB itself must read (keys, TTL, beacons). */
  DO_NOTHING = 'DO_NOTHING',
}

export interface EntitySchema {
  /** For messages. */
  readonly name: string;
  /** The partition and sort key attribute names; they must be DO_NOTHING. */
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Every attribute an item may have, with its action. Anything else is rejected. */
  readonly attributes: Readonly<Record<string, AttributeAction>>;
  /** A SIGN_ONLY attribute whose value is bound into every attribute's AAD. */
  readonly versionAttribute?: string;
  /** Custom value types, tried before the built-in ones. */
  readonly customTypes?: readonly CustomType[];
}

/** A plaintext user key and its version, as the keyring hands it out. */
export interface UserKey {
  readonly version: number;
  readonly key: Uint8Array;
}

/** Finds the user key of a given version (the keyring, usually through its cache). */
export type UserKeyProvider = (version: number) => Promise<UserKey> | UserKey;

export type Item = Record<string, unknown>;

interface MaterialDescription {
  readonly suite: string;
  readonly keyVersion: number;
  readonly salt: Uint8Array;
}

/**
 * Encrypts and signs items attribute by attribute, inside the process, before
 * they reach DynamoDB (DESIGN.md, "Envelope encryption").
 *
 * Per item: a random 128-bit salt; HKDF-SHA256(user key, salt, info = suite,
 * table, pk, sk) gives 64 bytes: an AES-256-GCM key and an HMAC-SHA256 key.
 * Per ENCRYPT_AND_SIGN attribute: a fresh 96-bit IV and AAD = suite, table,
 * pk, sk, attribute name, item version. The signature covers the material
 * description and every signed attribute (present or absent), and is checked
 * before anything is decrypted.
 */
export class ItemEncryptor {
  private readonly signed: string[];

  public constructor(
    private readonly tableName: string,
    private readonly schema: EntitySchema,
  ) {
    needs(tableName.length > 0, 'the table name must not be empty');
    for (const reserved of [MATERIAL_ATTRIBUTE, SIGNATURE_ATTRIBUTE]) {
      needs(
        !(reserved in schema.attributes),
        `the schema must not declare the reserved attribute ${reserved}`,
      );
    }
    needs(
      schema.attributes[schema.partitionKey] === AttributeAction.DO_NOTHING &&
        schema.attributes[schema.sortKey] === AttributeAction.DO_NOTHING,
      'the partition and sort keys must be DO_NOTHING',
    );
    needs(
      schema.versionAttribute === undefined ||
        schema.attributes[schema.versionAttribute] === AttributeAction.SIGN_ONLY,
      'the version attribute must be SIGN_ONLY',
    );
    this.signed = Object.keys(schema.attributes)
      .filter((name) => schema.attributes[name] !== AttributeAction.DO_NOTHING)
      .sort();
  }

  public encrypt(item: Item, userKey: UserKey): Item {
    needs(userKey.key.length === USER_KEY_BYTES, 'the user key must be 32 bytes');
    needs(!isAllZero(userKey.key), 'the user key must not be all zero bytes');
    needs(
      Number.isInteger(userKey.version) && userKey.version > 0,
      'the user key version must be a positive integer',
    );
    this.checkAttributes(item);
    const { pk, sk } = this.keysOf(item);
    const material: MaterialDescription = {
      suite: SUITE_ID,
      keyVersion: userKey.version,
      salt: randomBytesFast(ITEM_SALT_BYTES),
    };
    const prefix = this.prefix(pk, sk);
    const { encKey, macKey } = this.deriveKeys(userKey.key, material.salt, prefix);
    try {
      const version = this.versionOf(item);
      const out: Item = {};
      for (const [name, value] of Object.entries(item)) {
        if (value === undefined) continue;
        if (this.schema.attributes[name] === AttributeAction.ENCRYPT_AND_SIGN) {
          out[name] = this.seal(encKey, encodeValue(value, this.schema.customTypes), prefix, name, version);
        } else {
          out[name] = value;
        }
      }
      const encodedMaterial = encodeMaterial(material);
      out[MATERIAL_ATTRIBUTE] = encodedMaterial;
      out[SIGNATURE_ATTRIBUTE] = this.sign(macKey, encodedMaterial, out, prefix);
      return out;
    } finally {
      encKey.fill(0);
      macKey.fill(0);
    }
  }

  /** The user key version an encrypted item needs, read before fetching the key. */
  public keyVersionOf(record: Item): number {
    return decodeMaterial(record[MATERIAL_ATTRIBUTE]).keyVersion;
  }

  /**
   * Verifies the whole item, then decrypts it; with `only`, decrypts just
   * those encrypted attributes (the signature still covers all of them).
   */
  public async decrypt(record: Item, keys: UserKeyProvider, only?: readonly string[]): Promise<Item> {
    const material = decodeMaterial(record[MATERIAL_ATTRIBUTE]);
    const encodedMaterial = record[MATERIAL_ATTRIBUTE] as Uint8Array;
    const signature = record[SIGNATURE_ATTRIBUTE];
    if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) {
      throw new IntegrityError(`the ${this.schema.name} item has no valid signature`);
    }
    for (const name of Object.keys(record)) {
      if (name !== MATERIAL_ATTRIBUTE && name !== SIGNATURE_ATTRIBUTE && !(name in this.schema.attributes)) {
        throw new IntegrityError(`the ${this.schema.name} item has an attribute its schema does not declare`);
      }
    }
    const { pk, sk } = this.keysOf(record);
    const userKey = await keys(material.keyVersion);
    needs(userKey.key.length === USER_KEY_BYTES, 'the user key must be 32 bytes');
    needs(!isAllZero(userKey.key), 'the user key must not be all zero bytes');
    if (userKey.version !== material.keyVersion)
      throw new IntegrityError('the user key version does not match the item');
    const prefix = this.prefix(pk, sk);
    const { encKey, macKey } = this.deriveKeys(userKey.key, material.salt, prefix);
    try {
      const expected = this.sign(macKey, encodedMaterial, record, prefix);
      if (!timingSafeEqual(expected, Buffer.from(signature))) {
        throw new IntegrityError(`the ${this.schema.name} item's signature does not match`);
      }
      const version = this.versionOf(record);
      const out: Item = {};
      for (const [name, value] of Object.entries(record)) {
        if (name === MATERIAL_ATTRIBUTE || name === SIGNATURE_ATTRIBUTE) continue;
        if (this.schema.attributes[name] === AttributeAction.ENCRYPT_AND_SIGN) {
          if (only !== undefined && !only.includes(name)) continue;
          if (!(value instanceof Uint8Array))
            throw new IntegrityError(`the ${name} attribute is not a ciphertext`);
          out[name] = decodeValue(this.open(encKey, value, prefix, name, version), this.schema.customTypes);
        } else {
          out[name] = value;
        }
      }
      return out;
    } finally {
      encKey.fill(0);
      macKey.fill(0);
    }
  }

  private checkAttributes(item: Item): void {
    const unknown = Object.keys(item).filter((name) => !(name in this.schema.attributes));
    if (unknown.length > 0) {
      throw new SchemaError(
        `the ${this.schema.name} schema has no attribute ${unknown.join(', ')}; it is not stored`,
      );
    }
  }

  private keysOf(item: Item): { pk: string; sk: string } {
    const pk = item[this.schema.partitionKey];
    const sk = item[this.schema.sortKey];
    if (typeof pk !== 'string' || typeof sk !== 'string' || pk.length === 0 || sk.length === 0) {
      throw new SchemaError(
        `the ${this.schema.name} item needs string keys ${this.schema.partitionKey} and ${this.schema.sortKey}`,
      );
    }
    return { pk, sk };
  }

  private versionOf(item: Item): string {
    const attribute = this.schema.versionAttribute;
    if (attribute === undefined) return '';
    const value = item[attribute];
    return value === undefined ? '' : String(value);
  }

  /** Item keys from the user key: 64 bytes of HKDF-SHA256, an AES-256-GCM key and an HMAC key. */
  private deriveKeys(userKey: Uint8Array, salt: Uint8Array, prefix: Buffer) {
    const okm = hkdfSha256(userKey, salt, prefix, 64);
    return { encKey: okm.subarray(0, 32), macKey: okm.subarray(32, 64) };
  }

  /** suite ‖ table ‖ pk ‖ sk, framed: the HKDF info, and the start of every AAD and signature. */
  private prefix(pk: string, sk: string): Buffer {
    return frame([SUITE_ID, this.tableName, pk, sk]);
  }

  private aad(prefix: Buffer, name: string, version: string): Buffer {
    return Buffer.concat([prefix, frame([name, version])]);
  }

  private seal(key: Buffer, plaintext: Buffer, prefix: Buffer, name: string, version: string): Uint8Array {
    const iv = randomBytesFast(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(this.aad(prefix, name, version));
    const body = cipher.update(plaintext);
    cipher.final(); // GCM emits nothing at final
    return Buffer.concat([iv, body, cipher.getAuthTag()], IV_BYTES + body.length + TAG_BYTES);
  }

  private open(key: Buffer, sealed: Uint8Array, prefix: Buffer, name: string, version: string): Buffer {
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new IntegrityError(`the ${name} attribute is truncated`);
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(this.aad(prefix, name, version));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plaintext = decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES));
      decipher.final(); // checks the tag
      return plaintext;
    } catch {
      throw new IntegrityError(`the ${name} attribute failed authentication`);
    }
  }

  /**
   * HMAC-SHA256 over the canonical form: suite, table, keys, the material
   * description, then every signed attribute of the schema in name order,
   * each as name, action and value (absent attributes marked absent); an
   * encrypted value is represented by its IV, GCM tag and length.
   */
  private sign(macKey: Buffer, material: Uint8Array, record: Item, prefix: Buffer): Buffer {
    const parts: Buffer[] = [prefix, frameBytes(material)];
    for (const name of this.signed) {
      const action = this.schema.attributes[name] as AttributeAction;
      const value = record[name];
      parts.push(frame([name, action]));
      if (value === undefined) {
        parts.push(ABSENT);
      } else if (action === AttributeAction.ENCRYPT_AND_SIGN) {
        if (!(value instanceof Uint8Array))
          throw new IntegrityError(`the ${name} attribute is not a ciphertext`);
        // The IV and GCM tag stand for the ciphertext: the tag authenticates it under the item
        // key, and decryption checks it, so signing 28 bytes and the length binds the whole value.
        if (value.length < IV_BYTES + TAG_BYTES)
          throw new IntegrityError(`the ${name} attribute is truncated`);
        const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        parts.push(
          ENCRYPTED,
          u32(value.length),
          bytes.subarray(0, IV_BYTES),
          bytes.subarray(value.length - TAG_BYTES),
        );
      } else {
        parts.push(SIGNED, frameBytes(encodeValue(value, this.schema.customTypes)));
      }
    }
    return createHmac('sha256', macKey).update(Buffer.concat(parts)).digest();
  }
}

const ABSENT = Buffer.from([0]);

/** A zeroed (evicted) key buffer: never a key to encrypt or decrypt with. */
function isAllZero(key: Uint8Array): boolean {
  let acc = 0;
  for (const byte of key) acc |= byte;
  return acc === 0;
}
const ENCRYPTED = Buffer.from([1]);
const SIGNED = Buffer.from([2]);

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function frameBytes(bytes: Uint8Array): Buffer {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([len, bytes]);
}

/** Length-prefixed strings, so that no two different lists share bytes. */
function frame(parts: readonly string[]): Buffer {
  return Buffer.concat(parts.map((p) => frameBytes(Buffer.from(p, 'utf8'))));
}

/** The material description as stored: suite id, user key version, item salt. */
function encodeMaterial(material: MaterialDescription): Uint8Array {
  return new Uint8Array(encodeValue({ s: material.suite, v: material.keyVersion, n: material.salt }));
}

function decodeMaterial(raw: unknown): MaterialDescription {
  if (!(raw instanceof Uint8Array)) throw new IntegrityError('the item has no material description');
  let decoded: unknown;
  try {
    decoded = decodeValue(raw);
  } catch {
    throw new IntegrityError('the material description is malformed');
  }
  const md = decoded as { s?: unknown; v?: unknown; n?: unknown };
  if (
    md === null ||
    typeof md !== 'object' ||
    md.s !== SUITE_ID ||
    typeof md.v !== 'number' ||
    !Number.isInteger(md.v) ||
    md.v < 1 ||
    !(md.n instanceof Uint8Array) ||
    md.n.length !== ITEM_SALT_BYTES
  ) {
    throw new IntegrityError('the material description names an unknown suite or is malformed');
  }
  return { suite: md.s, keyVersion: md.v, salt: md.n };
}
