import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { VaultConfig } from '../config';
import type { ServiceKeys } from '../store/service-keys';
import type { LoginThrottleRepository } from '../store/throttle';
import { TooManyRequestsError } from './errors';

/** The service key that turns usernames and addresses into opaque bucket ids. */
export const THROTTLE_KEY_NAME = 'login-throttle';

type BucketKind = 'address' | 'account' | 'device';

interface Bucket {
  readonly kind: BucketKind;
  readonly id: string;
  /** The count this attempt reserved. */
  readonly failures: number;
  /** Past the free budget: this attempt holds the bucket's lock while it runs. */
  readonly holding: boolean;
}

/** How long an attempt past the budget holds its bucket: longer than any login takes. */
const HOLD_MS = 30_000;

/** One login attempt's reservations, to be settled by `failed` or `succeeded`. */
export interface Attempt {
  readonly buckets: readonly Bucket[];
}

export interface LoginLimiterDependencies {
  readonly throttle: LoginThrottleRepository;
  readonly serviceKeys: ServiceKeys;
  readonly config: VaultConfig;
  readonly now: () => number;
}

/**
 * Login rate limits (DESIGN.md, "Passwords"; README "Security"):
 * - per account and client address (IPv6 grouped by /64): `freeAttempts`,
 *   then a backoff doubling from `baseSeconds` to `maxSeconds`;
 * - per account, for attempts without a known-device token, whatever the
 *   address: `accountFreeAttempts`, then the same backoff, so guesses spread
 *   over many addresses are slowed too;
 * - an attempt with the owner's known-device token counts only against that
 *   device's own bucket: an attacker's failures, from any address, never
 *   lock the owner's devices out.
 * Every attempt is reserved (counted) atomically before the password is
 * checked: a burst of parallel guesses gets at most the free attempts.
 * Bucket ids are HMACs under a KMS-wrapped service key: the table holds no
 * username or address.
 */
export class LoginLimiter {
  public constructor(private readonly deps: LoginLimiterDependencies) {}

  /** Reserves the attempt, or throws 429 with Retry-After. */
  public async begin(
    usernameKey: string,
    client: string,
    deviceTokenHash: string | undefined,
  ): Promise<Attempt> {
    const kinds: [BucketKind, string][] =
      deviceTokenHash !== undefined
        ? [['device', deviceTokenHash]]
        : [
            ['address', clientGroup(client)],
            ['account', ''],
          ];
    const key = await this.deps.serviceKeys.get(THROTTLE_KEY_NAME);
    const buckets: Bucket[] = [];
    for (const [kind, scope] of kinds) {
      const id = bucketId(key, kind, usernameKey, scope);
      const now = this.deps.now();
      const free = this.freeAttempts(kind);
      const reserved = await this.deps.throttle.reserve(id, free, now, now + HOLD_MS, this.expiresAt());
      if (!reserved.ok) {
        // Refused without checking the password: the buckets reserved so far get their attempt back.
        for (const b of buckets) await this.deps.throttle.release(b.id, b.holding);
        throw tooMany(reserved.lockedUntil - now);
      }
      buckets.push({ kind, id, failures: reserved.failures, holding: reserved.holding });
    }
    return { buckets };
  }

  /** A wrong password: the reservations stay counted; a bucket at its budget locks. */
  public async failed(attempt: Attempt): Promise<void> {
    const now = this.deps.now();
    for (const bucket of attempt.buckets) {
      const free = this.freeAttempts(bucket.kind);
      if (bucket.failures >= free) {
        await this.deps.throttle.lock(bucket.id, now + this.delayMs(bucket.failures, free), this.expiresAt());
      }
    }
  }

  /**
   * The right password: the owner's own address and device buckets are
   * cleared; on the shared account bucket only this attempt is taken back,
   * so a login by the owner does not hand an attacker a fresh budget.
   */
  public async succeeded(attempt: Attempt): Promise<void> {
    for (const bucket of attempt.buckets) {
      if (bucket.kind === 'account') await this.deps.throttle.release(bucket.id, bucket.holding);
      else await this.deps.throttle.clear(bucket.id);
    }
  }

  private freeAttempts(kind: BucketKind): number {
    const limits = this.deps.config.loginBackoff;
    return kind === 'account' ? limits.accountFreeAttempts : limits.freeAttempts;
  }

  private delayMs(failures: number, free: number): number {
    const { baseSeconds, maxSeconds } = this.deps.config.loginBackoff;
    const over = failures - free;
    return over < 0 ? 0 : Math.min(maxSeconds, baseSeconds * 2 ** over) * 1000;
  }

  private expiresAt(): number {
    return Math.ceil(this.deps.now() / 1000) + this.deps.config.loginBackoff.maxSeconds + 24 * 3600;
  }
}

function tooMany(waitMs: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new TooManyRequestsError(`Too many failed attempts; try again in ${seconds} s.`, seconds);
}

function bucketId(key: Buffer, kind: BucketKind, usernameKey: string, scope: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify([kind, usernameKey, scope]))
    .digest('base64url')
    .slice(0, 32);
}

/**
 * The address a limit applies to: an IPv4 address as it is (IPv4-mapped IPv6
 * too), an IPv6 address by its /64, the block one subscriber usually gets.
 * Hand-written: node:net validates; the /64 is the first four groups of the
 * expanded form, a few lines with tests, not worth a dependency.
 */
export function clientGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null && isIPv4(mapped[1] as string)) return mapped[1] as string;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
