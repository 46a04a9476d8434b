import {
  DecryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { USER_KEY_BYTES, USER_KEY_PURPOSE } from './constants';
import { IntegrityError } from './errors';
import type { UserKey } from './item-encryptor';
import { KeyCache } from './key-cache';
import { needs } from './needs';

/** A user key as stored in the user's profile: wrapped under a KMS key. */
export interface WrappedUserKey {
  readonly version: number;
  /** The KMS key (ARN) that wraps it. */
  readonly kmsKeyId: string;
  readonly ciphertext: Uint8Array;
}

export interface UserKeyringOptions {
  readonly kms: KMSClient;
  /** The vault key: new user keys are generated under it. */
  readonly vaultKeyId: string;
  /** @default a KeyCache with its defaults (5 minutes, 1000 entries) */
  readonly cache?: KeyCache;
}

/**
 * The per-user key hierarchy: 256-bit user keys from GenerateDataKey under
 * the vault key, wrapped with the encryption context
 * `{purpose: "user-key", userId}`, unwrapped with Decrypt through the cache.
 */
export class UserKeyring {
  private readonly kms: KMSClient;
  private readonly vaultKeyId: string;
  public readonly cache: KeyCache;

  public constructor(options: UserKeyringOptions) {
    needs(options.vaultKeyId.length > 0, 'the vault key id must not be empty');
    this.kms = options.kms;
    this.vaultKeyId = options.vaultKeyId;
    this.cache = options.cache ?? new KeyCache();
  }

  /** A new user key of `version`, generated under the vault key; the plaintext goes to the cache only. */
  public async generate(userId: string, version = 1): Promise<WrappedUserKey> {
    needs(userId.length > 0, 'the user id must not be empty');
    needs(Number.isInteger(version) && version >= 1, 'the user key version must be a positive integer');
    const out = await this.kms.send(
      new GenerateDataKeyCommand({
        KeyId: this.vaultKeyId,
        KeySpec: 'AES_256',
        EncryptionContext: context(userId),
      }),
    );
    const plaintext = out.Plaintext as Uint8Array;
    needs(
      plaintext?.length === USER_KEY_BYTES && out.CiphertextBlob !== undefined,
      'KMS returned no 256-bit data key',
    );
    this.cache.put(cacheId(userId, version), plaintext);
    plaintext.fill(0);
    return { version, kmsKeyId: out.KeyId as string, ciphertext: out.CiphertextBlob };
  }

  /** Rotation: a new version after the highest one; new writes use it, old items keep theirs. */
  public rotate(userId: string, existing: readonly WrappedUserKey[]): Promise<WrappedUserKey> {
    const highest = existing.reduce((max, k) => Math.max(max, k.version), 0);
    return this.generate(userId, highest + 1);
  }

  /** Moves a wrapped key to another KMS key with ReEncrypt: the plaintext never leaves KMS. */
  public async rewrap(
    userId: string,
    wrapped: WrappedUserKey,
    destinationKeyId: string,
  ): Promise<WrappedUserKey> {
    const out = await this.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: wrapped.ciphertext,
        SourceKeyId: wrapped.kmsKeyId,
        SourceEncryptionContext: context(userId),
        DestinationKeyId: destinationKeyId,
        DestinationEncryptionContext: context(userId),
      }),
    );
    return {
      version: wrapped.version,
      kmsKeyId: out.KeyId as string,
      ciphertext: out.CiphertextBlob as Uint8Array,
    };
  }

  /** Runs `use` with the plaintext user key of `version`; the copy is zeroed afterwards. */
  public withUserKey<T>(
    userId: string,
    keys: readonly WrappedUserKey[],
    version: number,
    use: (key: UserKey) => Promise<T> | T,
  ): Promise<T> {
    const wrapped = keys.find((k) => k.version === version);
    if (wrapped === undefined) throw new IntegrityError(`the user has no key of version ${version}`);
    return this.cache.withKey(
      cacheId(userId, version),
      () => this.unwrap(userId, wrapped),
      (key) => use({ version, key }),
    );
  }

  private async unwrap(userId: string, wrapped: WrappedUserKey): Promise<Uint8Array> {
    const out = await this.kms.send(
      new DecryptCommand({
        CiphertextBlob: wrapped.ciphertext,
        KeyId: wrapped.kmsKeyId,
        EncryptionContext: context(userId),
      }),
    );
    const plaintext = out.Plaintext;
    needs(plaintext?.length === USER_KEY_BYTES, 'KMS returned no 256-bit user key');
    return plaintext;
  }
}

function context(userId: string): Record<string, string> {
  return { purpose: USER_KEY_PURPOSE, userId };
}

function cacheId(userId: string, version: number): string {
  return `${userId}\u0000${version}`;
}
