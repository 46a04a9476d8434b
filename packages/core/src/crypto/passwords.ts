import {
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

/** What is stored for a login password: never the hash in the clear. */
export interface PasswordRecord {
  readonly strategy: PasswordStrategyName;
  /** The KMS key (ARN) the protected value needs. */
  readonly keyId: string;
  readonly params: ScryptParams;
  readonly salt: string;
  /** rsa: the hash under the RSA public key; hmac: the KMS HMAC of the hash. Base64. */
  readonly value: string;
}

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
   * `binding` (the user id) is mixed into the scrypt salt, so a record copied
   * onto another account does not verify there.
   */
  public async create(password: string, binding: string): Promise<PasswordRecord> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await hashPassword(password, salt, binding, this.params);
    try {
      if (this.strategy === 'rsa') {
        const { key, arn } = await this.rsaPublicKey();
        const value = publicEncrypt(
          { key, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          hash,
        );
        return this.record(arn, salt, value);
      }
      const out = await this.kms.send(
        new GenerateMacCommand({ KeyId: this.keyId, Message: hash, MacAlgorithm: MAC_ALGORITHM }),
      );
      return this.record(out.KeyId as string, salt, Buffer.from(out.Mac as Uint8Array));
    } finally {
      hash.fill(0);
    }
  }

  /** Checks a password against its record, or burns the same work when there is none. */
  public async verify(
    password: string,
    record: PasswordRecord | undefined,
    binding: string,
  ): Promise<PasswordVerdict> {
    if (record === undefined) {
      await this.check(password, await this.decoyRecord(), DECOY_BINDING);
      return { ok: false, needsRewrite: false };
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
        const same = stored.length === hash.length && timingSafeEqual(stored, hash);
        stored.fill(0);
        return same;
      }
      try {
        await this.kms.send(
          new VerifyMacCommand({
            KeyId: record.keyId,
            Message: hash,
            Mac: value,
            MacAlgorithm: MAC_ALGORITHM,
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof KMSInvalidMacException) return false;
        throw err;
      }
    } finally {
      hash.fill(0);
    }
  }

  private record(keyArn: string, salt: Buffer, value: Buffer): PasswordRecord {
    return {
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

  /** A record of a random password under today's key: what a missing user is checked against. */
  private decoyRecord(): Promise<PasswordRecord> {
    this.decoy ??= this.create(randomBytes(24).toString('base64'), DECOY_BINDING).catch((err: unknown) => {
      this.decoy = undefined;
      throw err;
    });
    return this.decoy;
  }
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
