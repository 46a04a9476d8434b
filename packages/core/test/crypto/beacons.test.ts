import { randomBytes } from 'node:crypto';
import {
  Beacon,
  beaconBitsFor,
  DEFAULT_EXPECTED_DISTINCT_VALUES,
  hostNormaliser,
  LEGACY_BEACON_BITS,
  textNormaliser,
} from '../../src/crypto';

/** A realistic user's distinct sites: as many as surveys give a heavy user (about 150). */
const REALISTIC_SITES = 150;
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `https://login.site${i}.example/path`);

/** Sites per distinct beacon value, as a reader of the table sees them. */
function sitesPerBeacon(beacon: Beacon, key: Uint8Array, urls: readonly string[]): number {
  return urls.length / new Set(urls.map((u) => beacon.compute(key, u))).size;
}

describe('Class: Beacon', () => {
  const key = randomBytes(32);

  it('gives the same beacon for values equal after normalising, in `<attribute>#<hex>` form', () => {
    const site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
    const a = site.compute(key, 'https://www.Example.com/login?x=1');
    expect(a).toMatch(/^site#[0-9a-f]{2}$/);
    expect(site.compute(key, 'example.com')).toBe(a);
    expect(site.compute(key, 'HTTP://EXAMPLE.COM.')).toBe(a);
  });

  it('differs per user key and per attribute', () => {
    const site = new Beacon({ attribute: 'site', bits: 32 });
    const name = new Beacon({ attribute: 'name', bits: 32 });
    expect(site.compute(key, 'x')).not.toBe(site.compute(randomBytes(32), 'x'));
    expect(site.compute(key, 'x').split('#')[1]).not.toBe(name.compute(key, 'x').split('#')[1]);
  });

  it('keeps only the first N bits, so short beacons collide on purpose', () => {
    const oneBit = new Beacon({ attribute: 'site', bits: 1 });
    const values = new Set(Array.from({ length: 64 }, (_, i) => oneBit.compute(key, `host${i}.example`)));
    expect([...values].sort()).toEqual(['site#0', 'site#1']);
  });

  it('filters beacon candidates exactly, so a collision never returns a wrong item', () => {
    // Arrange: with 1-bit beacons about half of all hosts share a beacon.
    const site = new Beacon({ attribute: 'site', bits: 1, normaliser: hostNormaliser });
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, url: `https://host${i}.example/` }));
    const sought = 'https://www.HOST7.example/path';
    const candidates = items.filter((it) => site.compute(key, it.url) === site.compute(key, sought));

    // Act
    const found = site.filterExact(candidates, (it) => it.url, sought);

    // Assert
    expect(candidates.length).toBeGreaterThan(1);
    expect(found).toEqual([{ id: 7, url: 'https://host7.example/' }]);
  });

  it('16-bit beacons barely collide: with the default length a realistic vault has several sites per beacon', () => {
    // Arrange
    const urls = hosts(REALISTIC_SITES);
    const sized = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
    const old = new Beacon({ attribute: 'site', normaliser: hostNormaliser, bits: LEGACY_BEACON_BITS });

    // Act
    const now = sitesPerBeacon(sized, key, urls);
    const before = sitesPerBeacon(old, key, urls);

    // Assert: 64 beacon values for 150 sites, so at least 150/64 sites each on average; 16 bits gave ~1.
    expect(sized.bits).toBe(6);
    expect(now).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(1.1);
    // The 300 hosts gave 299 beacons; now at most 64.
    expect(new Set(hosts(300).map((u) => sized.compute(key, u))).size).toBeLessThanOrEqual(64);
  });

  it('sizes beacons from the expected number of distinct values (AWS: at least 2 values per beacon)', () => {
    const table: [number, number][] = [
      [4, 1],
      [16, 3],
      [100, 5],
      [DEFAULT_EXPECTED_DISTINCT_VALUES, 6],
      [1000, 8],
      [100_000, 15],
    ];
    for (const [n, bits] of table) {
      expect(beaconBitsFor(n)).toBe(bits);
      expect(n / 2 ** bits).toBeGreaterThanOrEqual(2);
      expect(n / 2 ** (bits + 1)).toBeLessThan(2);
      expect(new Beacon({ attribute: 'site', expectedDistinctValues: n }).bits).toBe(bits);
    }
  });

  it('searches the current and the legacy 16-bit beacon, so items written before sizing are still found', () => {
    const site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
    const legacy = new Beacon({ attribute: 'site', normaliser: hostNormaliser, bits: 16 });
    expect(site.searchBeacons(key, 'https://bank.example/')).toEqual([
      site.compute(key, 'bank.example'),
      legacy.compute(key, 'bank.example'),
    ]);
    const same = new Beacon({ attribute: 'site', bits: 16, legacyBits: [16] });
    expect(same.searchBeacons(key, 'x')).toEqual([same.compute(key, 'x')]);
    expect(new Beacon({ attribute: 'site', legacyBits: [] }).searchBeacons(key, 'x')).toHaveLength(1);
  });

  it('finds exactly the sought site among a realistic vault despite the shared beacons', () => {
    // Arrange
    const site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
    const items = hosts(REALISTIC_SITES).map((url, id) => ({ id, url, beacon: site.compute(key, url) }));

    for (const sought of items) {
      // Act: the beacon query's candidates, then the exact filter on the decrypted values.
      const beacons = site.searchBeacons(key, sought.url.replace('https://', 'HTTPS://WWW.'));
      const candidates = items.filter((it) => beacons.includes(it.beacon));
      const found = site.filterExact(candidates, (it) => it.url, sought.url);

      // Assert
      expect(found).toEqual([sought]);
    }
    const candidatesPerSearch = items.map((s) => items.filter((it) => it.beacon === s.beacon).length);
    expect(candidatesPerSearch.reduce((a, b) => a + b, 0) / items.length).toBeGreaterThanOrEqual(2);
  });

  it('normalises text by NFKC and case folding, and hosts without www.', () => {
    expect(textNormaliser('  ＡＢＣ Straße ')).toBe('abc straße');
    expect(hostNormaliser('www.GitHub.com:443/login')).toBe('github.com');
    expect(hostNormaliser('not a url at all')).toBe('not a url at all');
  });

  describe('preconditions', () => {
    it('the beacon attribute must not be empty', () => {
      expect(() => new Beacon({ attribute: '' })).toThrow('the beacon attribute must not be empty');
    });

    it('beacon bits must be between 1 and 64', () => {
      expect(() => new Beacon({ attribute: 'a', bits: 0 })).toThrow('beacon bits must be between 1 and 64');
      expect(() => new Beacon({ attribute: 'a', bits: 65 })).toThrow('beacon bits must be between 1 and 64');
      expect(() => new Beacon({ attribute: 'a', legacyBits: [0] })).toThrow(
        'beacon bits must be between 1 and 64',
      );
    });

    it('the expected number of distinct values must be a whole number of at least 4', () => {
      for (const n of [3, 0, -8, 10.5, Number.NaN]) {
        expect(() => beaconBitsFor(n)).toThrow(
          'the expected number of distinct values must be a whole number of at least 4',
        );
        expect(() => new Beacon({ attribute: 'a', expectedDistinctValues: n })).toThrow(
          'the expected number of distinct values must be a whole number of at least 4',
        );
      }
    });

    it('the user key must be 32 bytes', () => {
      expect(() => new Beacon({ attribute: 'a' }).compute(randomBytes(16), 'x')).toThrow(
        'the user key must be 32 bytes',
      );
    });
  });
});
