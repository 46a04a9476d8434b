import { randomBytes } from 'node:crypto';
import { Beacon, hostNormaliser, textNormaliser } from '../../src/crypto';

describe('Class: Beacon', () => {
  const key = randomBytes(32);

  it('gives the same beacon for values equal after normalising, in `<attribute>#<hex>` form', () => {
    const site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
    const a = site.compute(key, 'https://www.Example.com/login?x=1');
    expect(a).toMatch(/^site#[0-9a-f]{4}$/);
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
    });

    it('the user key must be 32 bytes', () => {
      expect(() => new Beacon({ attribute: 'a' }).compute(randomBytes(16), 'x')).toThrow(
        'the user key must be 32 bytes',
      );
    });
  });
});
