import { createHmac, hkdfSync } from 'node:crypto';
import { USER_KEY_BYTES } from './constants';
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

/**
 * How many distinct values of one attribute a user is expected to have, by
 * default: the distinct sites in a well-used vault (surveys put the number of
 * accounts a person keeps at about 100 to 170). Beacon length follows from it.
 */
export const DEFAULT_EXPECTED_DISTINCT_VALUES = 128;

/** The length every beacon had before lengths were sized (issue 13): searches still look these up. */
export const LEGACY_BEACON_BITS = 16;

/**
 * The beacon length for an expected number N of distinct values, after the
 * AWS Database Encryption SDK's "Choosing a beacon length": a beacon of b bits
 * is shared by about N / 2^b values, and that number should be at least 2
 * (else a table reader sees which items share a value) and below sqrt(N)
 * (else every search decrypts too many candidates). The longest such length
 * is floor(log2(N)) - 1: 6 bits for the default 128, so 64 beacon values with
 * about 2 sites each, 4 or more for a user with twice as many sites.
 */
export function beaconBitsFor(expectedDistinctValues: number): number {
  needs(
    Number.isInteger(expectedDistinctValues) && expectedDistinctValues >= 4,
    'the expected number of distinct values must be a whole number of at least 4',
  );
  return Math.floor(Math.log2(expectedDistinctValues)) - 1;
}

export interface BeaconOptions {
  /** The attribute the beacon stands for; beacon keys differ per attribute. */
  readonly attribute: string;
  /**
   * How many distinct values of this attribute one user is expected to have;
   * the beacon length is `beaconBitsFor(expectedDistinctValues)`. Fewer
   * values than expected make beacons more distinct (more leak); more make
   * searches decrypt more candidates. Changing it changes every new beacon:
   * add the old length to `legacyBits` so that searches still find old items.
   * @default DEFAULT_EXPECTED_DISTINCT_VALUES (128, so 6 bits)
   */
  readonly expectedDistinctValues?: number;
  /** The beacon length in bits, instead of the one sized from `expectedDistinctValues`. */
  readonly bits?: number;
  /**
   * Lengths that stored beacons of this attribute may still have (an item gets
   * the current length when it is next written); `searchBeacons` includes them.
   * @default [LEGACY_BEACON_BITS]
   */
  readonly legacyBits?: readonly number[];
  /** @default textNormaliser */
  readonly normaliser?: Normaliser;
}

/**
 * Searchable encryption without deterministic encryption: a beacon is the
 * first N bits of HMAC-SHA256(beacon key, normalised value), with beacon key =
 * HKDF(user key, "beacon", attribute). Beacons are sized so that each is
 * shared by several values (see `beaconBitsFor`), so they leak little;
 * lookups decrypt the candidates and filter exactly.
 */
export class Beacon {
  public readonly attribute: string;
  public readonly bits: number;
  public readonly legacyBits: readonly number[];
  private readonly normaliser: Normaliser;

  public constructor(options: BeaconOptions) {
    this.attribute = options.attribute;
    this.bits =
      options.bits ?? beaconBitsFor(options.expectedDistinctValues ?? DEFAULT_EXPECTED_DISTINCT_VALUES);
    this.legacyBits = options.legacyBits ?? [LEGACY_BEACON_BITS];
    this.normaliser = options.normaliser ?? textNormaliser;
    needs(this.attribute.length > 0, 'the beacon attribute must not be empty');
    for (const bits of [this.bits, ...this.legacyBits]) {
      needs(Number.isInteger(bits) && bits >= 1 && bits <= 64, 'beacon bits must be between 1 and 64');
    }
  }

  public normalise(value: string): string {
    return this.normaliser(value);
  }

  /** The beacon value as stored: `<attribute>#<hex>`, `bits` long. */
  public compute(userKey: Uint8Array, value: string): string {
    return this.truncated(userKey, value, [this.bits])[0] as string;
  }

  /**
   * The beacon values to query for a value: the current length's and each
   * legacy length's, without duplicates. Every candidate they find is
   * filtered exactly after decryption (`filterExact`).
   */
  public searchBeacons(userKey: Uint8Array, value: string): string[] {
    return [...new Set(this.truncated(userKey, value, [this.bits, ...this.legacyBits]))];
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

  /** One HMAC, truncated to each of the lengths. */
  private truncated(userKey: Uint8Array, value: string, lengths: readonly number[]): string[] {
    needs(userKey.length === USER_KEY_BYTES, 'the user key must be 32 bytes');
    const key = Buffer.from(
      hkdfSync('sha256', userKey, Buffer.from('beacon'), Buffer.from(this.attribute, 'utf8'), 32),
    );
    const digest = createHmac('sha256', key).update(this.normalise(value), 'utf8').digest();
    key.fill(0);
    const head = digest.readBigUInt64BE(0);
    return lengths.map((bits) => {
      const hex = (head >> BigInt(64 - bits)).toString(16);
      return `${this.attribute}#${hex.padStart(Math.ceil(bits / 4), '0')}`;
    });
  }
}
