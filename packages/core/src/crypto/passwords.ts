import {
  createHmac,
  createPublicKey,
  constants as cryptoConstants,
  type KeyObject,
  publicEncrypt,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import {
  DecryptCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  type KMSClient,
  KMSInvalidMacException,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { hkdfSha256 } from './hkdf';
import type { UserKey } from './item-encryptor';
import { needs } from './needs';

export type PasswordStrategyName = 'rsa' | 'hmac';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. @default 2^17 */
  readonly N: number;
  /** @default 8 */
  readonly r: number;
  /** @default 1 */
  readonly p: number;
  /** Output bytes. @default 32 */
  readonly keyLength: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1, keyLength: 32 };
const SALT_BYTES = 16;
const RSA_ALGORITHM = 'RSAES_OAEP_SHA_256';
const MAC_ALGORITHM = 'HMAC_SHA_256';
const DECOY_BINDING = 'kmsvault-decoy';
/** KMS errors that mean "this stored value is not one of ours", never "KMS is unavailable". */
const REFUSED_VALUE = new Set([
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'InvalidKeyUsageException',
  'KMSInvalidMacException',
]);
/** The record format that is authenticated (format 1, before issue 13, was not: it is refused). */
export const PASSWORD_RECORD_FORMAT = 2;
const RECORD_MAC_INFO = Buffer.from('kmsvault password record mac v2', 'utf8');

/** What is stored for a login password: never the hash in the clear. */
export interface PasswordRecord {
  /** 2: authenticated (see PasswordHasher). */
  readonly format: number;
  readonly strategy: PasswordStrategyName;
  /** The KMS key (ARN) the protected value needs. */
  readonly keyId: string;
  readonly params: ScryptParams;
  readonly salt: string;
  /**
   * rsa: the hash under the RSA public key; hmac: the KMS HMAC of the record's
   * header and the hash (so the MAC authenticates the whole record). Base64.
   */
  readonly value: string;
  /** rsa only: the user key version the record MAC is under. */
  readonly userKeyVersion?: number;
  /** rsa only: HMAC-SHA256 over the whole record under a key derived from the user key. Base64. */
  readonly mac?: string;
}

/**
 * Lends the user's key (KMS-wrapped; unwrapping it is a KMS Decrypt only the
 * app's roles may make) for one callback: what authenticates rsa records.
 */
export type RecordKeyLender = <T>(version: number | undefined, use: (key: UserKey) => T) => Promise<T>;

export interface PasswordVerdict {
  readonly ok: boolean;
  /** The record was made with another key, strategy or parameters than today's: rewrite it. */
  readonly needsRewrite: boolean;
}

export interface PasswordHasherOptions {
  readonly kms: KMSClient;
  readonly strategy: PasswordStrategyName;
  /** The password key: RSA ENCRYPT_DECRYPT for rsa, HMAC_256 for hmac. */
  readonly keyId: string;
  /** @default DEFAULT_SCRYPT */
  readonly params?: ScryptParams;
}

/**
 * Login passwords as salted scrypt hashes protected by a KMS key, so that
 * checking one needs an audited KMS call (DESIGN.md, "Passwords").
 *
 * - rsa: the hash is encrypted locally with the key's public key (fetched once
 *   with GetPublicKey), RSAES_OAEP_SHA_256; verifying calls KMS Decrypt and
 *   compares in constant time.
 * - hmac: GenerateMac at creation, VerifyMac at login; the app never sees the
 *   peppered value.
 *
 * A verify without a record does the same work (scrypt and a KMS call of the
 * strategy's kind) and fails, so unknown users cost what known ones do.
 */
export class PasswordHasher {
  private readonly kms: KMSClient;
  public readonly strategy: PasswordStrategyName;
  public readonly keyId: string;
  public readonly params: ScryptParams;
  private publicKey: Promise<{ key: KeyObject; arn: string }> | undefined;
  private decoy: Promise<PasswordRecord> | undefined;

  public constructor(options: PasswordHasherOptions) {
    const params = options.params ?? DEFAULT_SCRYPT;
    needs(options.keyId.length > 0, 'the password key id must not be empty');
    needs(Number.isInteger(Math.log2(params.N)) && params.N >= 2, 'scrypt N must be a power of two');
    needs(
      params.r >= 1 && params.p >= 1 && params.keyLength >= 16,
      'scrypt r and p must be positive and keyLength at least 16',
    );
    this.kms = options.kms;
    this.strategy = options.strategy;
    this.keyId = options.keyId;
    this.params = params;
  }

  /**
   * `binding` (the user id) is mixed into the scrypt salt and into the record's
   * authentication, so a record copied onto another account does not verify
   * there. `userKey` lends the user's key (used by the rsa strategy only; the
   * version it lends is written into the record).
   */
  public async create(password: string, binding: string, userKey: RecordKeyLender): Promise<PasswordRecord> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await hashPassword(password, salt, binding, this.params);
    try {
      if (this.strategy === 'rsa') {
        const { key, arn } = await this.rsaPublicKey();
        const value = publicEncrypt(
          { key, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          hash,
        );
        const unsigned = this.record(arn, salt, value);
        return await userKey(undefined, (k) => {
          const withVersion = { ...unsigned, userKeyVersion: k.version };
          return { ...withVersion, mac: recordMac(k.key, withVersion, binding).toString('base64') };
        });
      }
      const unsigned = this.record(this.keyId, salt, Buffer.alloc(0));
      const out = await this.kms.send(
        new GenerateMacCommand({
          KeyId: this.keyId,
          Message: macMessage(unsigned, binding, hash),
          MacAlgorithm: MAC_ALGORITHM,
        }),
      );
      return {
        ...unsigned,
        keyId: out.KeyId as string,
        value: Buffer.from(out.Mac as Uint8Array).toString('base64'),
      };
    } finally {
      hash.fill(0);
    }
  }

  /**
   * Checks a password against its record, or burns the same work when there
   * is none. A record that is not authentic (forged or altered by someone who
   * can write the table) fails like a wrong password, after the same work,
   * and says so in `forged` for the security log.
   */
  public async verify(
    password: string,
    record: PasswordRecord | undefined,
    binding: string,
    userKey: RecordKeyLender,
  ): Promise<PasswordVerdict & { forged?: boolean }> {
    if (record === undefined) {
      // The same steps as a real record: the user key (the caller lends a decoy's), scrypt, one KMS call.
      if (this.strategy === 'rsa') await userKey(undefined, () => undefined).catch(() => undefined);
      await this.check(password, await this.decoyRecord(), DECOY_BINDING);
      return { ok: false, needsRewrite: false };
    }
    if (!(await this.authentic(record, binding, userKey))) {
      await this.check(password, await this.decoyRecord(), DECOY_BINDING);
      return { ok: false, needsRewrite: false, forged: true };
    }
    const ok = await this.check(password, record, binding);
    return { ok, needsRewrite: ok && this.isOutdated(record) };
  }

  public isOutdated(record: PasswordRecord): boolean {
    const p = record.params;
    const sameKey = record.keyId === this.keyId || record.keyId.endsWith(`/${this.keyId}`);
    return (
      record.strategy !== this.strategy ||
      !sameKey ||
      p.N !== this.params.N ||
      p.r !== this.params.r ||
      p.p !== this.params.p ||
      p.keyLength !== this.params.keyLength
    );
  }

  /**
   * The record's shape and, for rsa, its MAC under the user key. (hmac
   * records are authenticated by VerifyMac itself: the KMS MAC covers the
   * header and the hash.)
   */
  private async authentic(
    record: PasswordRecord,
    binding: string,
    userKey: RecordKeyLender,
  ): Promise<boolean> {
    if (record.format !== PASSWORD_RECORD_FORMAT || !wellFormed(record)) return false;
    if (record.strategy === 'hmac') return true;
    const mac = record.mac;
    const version = record.userKeyVersion;
    if (typeof mac !== 'string' || typeof version !== 'number') return false;
    const given = Buffer.from(mac, 'base64');
    return userKey(version, (k) => {
      const expected = recordMac(k.key, record, binding);
      return given.length === expected.length && timingSafeEqual(given, expected);
    }).catch(() => false);
  }

  private async check(password: string, record: PasswordRecord, binding: string): Promise<boolean> {
    const hash = await hashPassword(password, Buffer.from(record.salt, 'base64'), binding, record.params);
    const value = Buffer.from(record.value, 'base64');
    try {
      if (record.strategy === 'rsa') {
        const out = await this.kms.send(
          new DecryptCommand({
            KeyId: record.keyId,
            CiphertextBlob: value,
            EncryptionAlgorithm: RSA_ALGORITHM,
          }),
        );
        const stored = Buffer.from(out.Plaintext as Uint8Array);
        out.Plaintext?.fill(0);
        const same = stored.length === hash.length && timingSafeEqual(stored, hash);
        stored.fill(0);
        return same;
      }
      await this.kms.send(
        new VerifyMacCommand({
          KeyId: record.keyId,
          Message: macMessage(record, binding, hash),
          Mac: value,
          MacAlgorithm: MAC_ALGORITHM,
        }),
      );
      return true;
    } catch (err) {
      // A value KMS refuses (not a MAC or ciphertext of that key, a key of the other kind) is a
      // wrong record, not an outage: it fails like a wrong password.
      if (err instanceof KMSInvalidMacException || REFUSED_VALUE.has((err as Error).name)) return false;
      throw err;
    } finally {
      hash.fill(0);
    }
  }

  private record(keyArn: string, salt: Buffer, value: Buffer): PasswordRecord {
    return {
      format: PASSWORD_RECORD_FORMAT,
      strategy: this.strategy,
      keyId: keyArn,
      params: { ...this.params },
      salt: salt.toString('base64'),
      value: value.toString('base64'),
    };
  }

  private rsaPublicKey(): Promise<{ key: KeyObject; arn: string }> {
    this.publicKey ??= this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId })).then(
      (out) => ({
        key: createPublicKey({ key: Buffer.from(out.PublicKey as Uint8Array), format: 'der', type: 'spki' }),
        arn: out.KeyId as string,
      }),
      (err: unknown) => {
        this.publicKey = undefined;
        throw err;
      },
    );
    return this.publicKey;
  }

  /**
   * A record of a random password under today's key: what a missing user is
   * checked against. Its MAC (rsa) is under a random key: the decoy is never
   * authenticated, only hashed and checked with the same KMS call.
   */
  private decoyRecord(): Promise<PasswordRecord> {
    const random: RecordKeyLender = async (_v, use) => use({ version: 1, key: randomBytes(32) });
    this.decoy ??= this.create(randomBytes(24).toString('base64'), DECOY_BINDING, random).catch(
      (err: unknown) => {
        this.decoy = undefined;
        throw err;
      },
    );
    return this.decoy;
  }
}

function wellFormed(record: PasswordRecord): boolean {
  const p = record.params as Partial<ScryptParams> | undefined;
  return (
    (record.strategy === 'rsa' || record.strategy === 'hmac') &&
    typeof record.keyId === 'string' &&
    typeof record.salt === 'string' &&
    typeof record.value === 'string' &&
    p !== undefined &&
    [p.N, p.r, p.p, p.keyLength].every((n) => typeof n === 'number' && Number.isInteger(n)) &&
    // Bounds, so that a written record cannot make scrypt run for minutes or allocate gigabytes.
    (p.N as number) >= 2 &&
    (p.N as number) <= 2 ** 20 &&
    (p.r as number) >= 1 &&
    (p.r as number) <= 32 &&
    (p.p as number) >= 1 &&
    (p.p as number) <= 16 &&
    (p.keyLength as number) >= 16 &&
    (p.keyLength as number) <= 64
  );
}

/** Length-prefixed fields, so that no two different records share bytes. */
function canonical(record: PasswordRecord, binding: string, withValue: boolean): Buffer {
  const fields = [
    `format=${record.format}`,
    `strategy=${record.strategy}`,
    `key=${record.keyId}`,
    `N=${record.params.N};r=${record.params.r};p=${record.params.p};len=${record.params.keyLength}`,
    `salt=${record.salt}`,
    `user=${binding}`,
    ...(withValue ? [`value=${record.value}`, `userKeyVersion=${record.userKeyVersion ?? ''}`] : []),
  ];
  return Buffer.concat(
    fields.map((f) => {
      const bytes = Buffer.from(f, 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32BE(bytes.length, 0);
      return Buffer.concat([len, bytes]);
    }),
  );
}

/** rsa: HMAC-SHA256 over every field of the record (value included) under HKDF(user key). */
function recordMac(userKey: Uint8Array, record: PasswordRecord, binding: string): Buffer {
  const key = hkdfSha256(userKey, Buffer.alloc(0), RECORD_MAC_INFO, 32);
  try {
    return createHmac('sha256', key)
      .update(canonical(record, binding, true))
      .digest();
  } finally {
    key.fill(0);
  }
}

/**
 * hmac: what KMS MACs, the record's header then the hash. The key id is left
 * out: the MAC is under that key, so naming another key cannot verify.
 */
function macMessage(record: PasswordRecord, binding: string, hash: Buffer): Buffer {
  return Buffer.concat([canonical({ ...record, keyId: '' }, binding, false), hash]);
}

function hashPassword(
  password: string,
  salt: Buffer,
  binding: string,
  params: ScryptParams,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(password.normalize('NFKC'), 'utf8'),
      Buffer.concat([salt, Buffer.from(`\u0000${binding}`, 'utf8')]),
      params.keyLength,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}
