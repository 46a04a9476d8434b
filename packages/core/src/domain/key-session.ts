import { createHmac } from 'node:crypto';
import { hkdfSha256 } from '../crypto/hkdf';
import type { UserKey } from '../crypto/item-encryptor';
import type { UserKeyring, WrappedUserKey } from '../crypto/keyring';
import type { UserRepository } from '../store/users';
import { UnauthorizedError } from './errors';

/** The user keys one request uses, each version fetched at most once. */
export interface KeySession {
  /** The user key of `version` (an item names the version it was sealed under). */
  key(version: number): Promise<UserKey>;
  /** The newest user key: new items are sealed under it. */
  latest(): Promise<UserKey>;
  /** The oldest user key: the account's for life (rotation adds versions), for values that must not change. */
  first(): Promise<UserKey>;
}

export interface UserKeysDependencies {
  /** Where the wrapped keys are: the user's profile. */
  readonly users: Pick<UserRepository, 'get'>;
  readonly keyring: UserKeyring;
  /** @default Date.now */
  readonly now?: () => number;
}

const PROFILE_CACHE_MS = 5 * 60 * 1000;
const PROFILE_CACHE_ENTRIES = 10_000;
const DIGEST_INFO = Buffer.from('kmsvault/1 request digest');

/**
 * Per-request access to a user's keys through the keyring and its cache. A
 * request that opens the head and an item, or a list of a thousand items,
 * takes each key version once: with the cache off (max age 0) that is one
 * KMS Decrypt per request, not one per item. The copies are zeroed when the
 * request's callback settles.
 */
export class UserKeys {
  private readonly now: () => number;
  private readonly wrapped = new Map<string, { keys: readonly WrappedUserKey[]; at: number }>();

  public constructor(private readonly deps: UserKeysDependencies) {
    this.now = deps.now ?? Date.now;
  }

  public async session<T>(userId: string, use: (keys: KeySession) => Promise<T>): Promise<T> {
    const held = new Map<number, Promise<UserKey>>();
    const releases: (() => void)[] = [];
    const settled: Promise<unknown>[] = [];
    let closed = false;
    let newest: number | undefined;
    let oldest: number | undefined;
    const hold = (wrapped: readonly WrappedUserKey[], version: number) =>
      new Promise<UserKey>((resolve, reject) => {
        if (closed) {
          reject(new Error('the key session is over'));
          return;
        }
        const done = new Promise<void>((release) => releases.push(release));
        settled.push(
          this.deps.keyring
            .withUserKey(userId, wrapped, version, async (key) => {
              resolve(key);
              await done;
            })
            .catch(reject),
        );
      });
    const session: KeySession = {
      key: (version) => {
        let pending = held.get(version);
        if (pending === undefined) {
          pending = this.wrappedKeys(userId, version).then((wrapped) => hold(wrapped, version));
          held.set(version, pending);
        }
        return pending;
      },
      latest: async () => {
        newest ??= (await this.wrappedKeys(userId)).reduce((max, k) => Math.max(max, k.version), 0);
        return session.key(newest);
      },
      first: async () => {
        oldest ??= (await this.wrappedKeys(userId)).reduce((min, k) => Math.min(min, k.version), Infinity);
        return session.key(oldest);
      },
    };
    try {
      return await use(session);
    } finally {
      closed = true;
      for (const release of releases) release();
      await Promise.allSettled(settled);
    }
  }

  /**
   * HMAC-SHA256 of `data` under HKDF(newest user key, info "kmsvault/1 request
   * digest"): a digest only the vault can compute, for records that must
   * recognise a request again without keeping a plain hash of its body.
   */
  public digest(userId: string, data: Uint8Array): Promise<string> {
    return this.session(userId, async (keys) => {
      const key = await keys.latest();
      const macKey = hkdfSha256(key.key, Buffer.alloc(0), DIGEST_INFO, 32);
      try {
        return `v${key.version}:${createHmac('sha256', macKey).update(data).digest('base64url')}`;
      } finally {
        macKey.fill(0);
      }
    });
  }

  /** The user's wrapped keys, cached per process; fetched again when a needed version is missing. */
  private async wrappedKeys(userId: string, needVersion?: number): Promise<readonly WrappedUserKey[]> {
    const cached = this.wrapped.get(userId);
    const fresh = cached !== undefined && this.now() - cached.at < PROFILE_CACHE_MS;
    if (fresh && (needVersion === undefined || cached.keys.some((k) => k.version === needVersion)))
      return cached.keys;
    const profile = await this.deps.users.get(userId);
    if (profile === undefined) throw new UnauthorizedError('The account does not exist.');
    if (this.wrapped.size > PROFILE_CACHE_ENTRIES) this.wrapped.clear();
    this.wrapped.set(userId, { keys: profile.userKeys, at: this.now() });
    return profile.userKeys;
  }
}
