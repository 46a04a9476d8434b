import { createHmac, hkdfSync } from 'node:crypto';
import { DEFAULT_BEACON_BITS, USER_KEY_BYTES } from './constants';
import { needs } from './needs';

/** Turns a value into the form two equal-meaning values share. */
export type Normaliser = (value: string) => string;

/** Case-folded text: NFKC, trimmed, lower case. */
export const textNormaliser: Normaliser = (value) => value.normalize('NFKC').trim().toLowerCase();

/**
 * A URL (or bare host) to its lower-cased host without `www.`; a value that
 * is not a URL is case-folded as text.
 */
export const hostNormaliser: Normaliser = (value) => {
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const host = new URL(withScheme).hostname.toLowerCase().replace(/\.$/, '');
    return host.startsWith('www.') ? host.slice(4) : host;
  } catch {
    return textNormaliser(value);
  }
};

export interface BeaconOptions {
  /** The attribute the beacon stands for; beacon keys differ per attribute. */
  readonly attribute: string;
  /** @default 16 */
  readonly bits?: number;
  /** @default textNormaliser */
  readonly normaliser?: Normaliser;
}

/**
 * Searchable encryption without deterministic encryption: a beacon is the
 * first N bits of HMAC-SHA256(beacon key, normalised value), with beacon key =
 * HKDF(user key, "beacon", attribute). Short beacons collide on purpose, so
 * they leak little; lookups decrypt the candidates and filter exactly.
 */
export class Beacon {
  public readonly attribute: string;
  public readonly bits: number;
  private readonly normaliser: Normaliser;

  public constructor(options: BeaconOptions) {
    this.attribute = options.attribute;
    this.bits = options.bits ?? DEFAULT_BEACON_BITS;
    this.normaliser = options.normaliser ?? textNormaliser;
    needs(this.attribute.length > 0, 'the beacon attribute must not be empty');
    needs(
      Number.isInteger(this.bits) && this.bits >= 1 && this.bits <= 64,
      'beacon bits must be between 1 and 64',
    );
  }

  public normalise(value: string): string {
    return this.normaliser(value);
  }

  /** The beacon value as stored and queried: `<attribute>#<hex>`. */
  public compute(userKey: Uint8Array, value: string): string {
    needs(userKey.length === USER_KEY_BYTES, 'the user key must be 32 bytes');
    const key = Buffer.from(
      hkdfSync('sha256', userKey, Buffer.from('beacon'), Buffer.from(this.attribute, 'utf8'), 32),
    );
    const digest = createHmac('sha256', key).update(this.normalise(value), 'utf8').digest();
    key.fill(0);
    const truncated = (digest.readBigUInt64BE(0) >> BigInt(64 - this.bits)).toString(16);
    return `${this.attribute}#${truncated.padStart(Math.ceil(this.bits / 4), '0')}`;
  }

  /** Keeps only the candidates whose decrypted value really equals the sought one. */
  public filterExact<T>(
    candidates: readonly T[],
    read: (candidate: T) => string | undefined,
    sought: string,
  ): T[] {
    const target = this.normalise(sought);
    return candidates.filter((c) => {
      const v = read(c);
      return v !== undefined && this.normalise(v) === target;
    });
  }
}
