import { ItemEncryptor, KeyCache } from '../../src/crypto';
import { hkdfSha256 } from '../../src/crypto/hkdf';
import { secretItem, secretSchema, TABLE, userKey } from './fixtures';

// The real HKDF, watched: a test reads back the keys it derived.
jest.mock('../../src/crypto/hkdf', () => {
  const actual = jest.requireActual('../../src/crypto/hkdf');
  return { ...actual, hkdfSha256: jest.fn(actual.hkdfSha256) };
});

const keyOf = (byte: number) => new Uint8Array(32).fill(byte);

/** Lets every queued promise reaction run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Class: KeyCache (buffer ownership under concurrency)', () => {
  it('never lends an all-zero key when an eviction lands between a shared load and its waiters', async () => {
    // Arrange: one entry at most; two waiters share the load of "a" while "b" loads in the same tick.
    const cache = new KeyCache({ maxEntries: 1, clearOnExit: false });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loadA = async () => {
      await gate;
      return keyOf(0xaa);
    };
    const loadB = async () => {
      await gate;
      return keyOf(0xbb);
    };
    const seen: Buffer[] = [];
    const use = (k: Buffer) => {
      seen.push(Buffer.from(k));
    };

    // Act
    const all = Promise.all([
      cache.withKey('a', loadA, use),
      cache.withKey('a', loadA, use),
      cache.withKey('b', loadB, use),
      cache.withKey('a', loadA, use),
    ]);
    release();
    await all;

    // Assert
    expect(seen).toHaveLength(4);
    for (const key of seen) expect(key.equals(Buffer.alloc(32))).toBe(false);
    expect(seen.filter((k) => k.equals(Buffer.from(keyOf(0xaa))))).toHaveLength(3);
  });

  it('never lends an all-zero key when an entry is evicted while a hit is being handed out', async () => {
    // Arrange
    const cache = new KeyCache({ maxEntries: 1, clearOnExit: false });
    await cache.withKey(
      'a',
      async () => keyOf(1),
      () => undefined,
    );
    const seen: Buffer[] = [];

    // Act: a hit on "a" and a miss on "b" (which evicts "a") in the same tick.
    await Promise.all([
      cache.withKey(
        'a',
        async () => keyOf(1),
        (k) => void seen.push(Buffer.from(k)),
      ),
      cache.withKey(
        'b',
        async () => keyOf(2),
        (k) => void seen.push(Buffer.from(k)),
      ),
    ]);

    // Assert
    expect(seen.map((k) => k[0])).toEqual(expect.arrayContaining([1, 2]));
  });

  it('zeroes the plaintext buffer a load hands over (a KMS response), cache on or off', async () => {
    for (const maxAgeMs of [0, 60_000]) {
      // Arrange
      const cache = new KeyCache({ maxAgeMs, clearOnExit: false });
      const fromKms = keyOf(9);

      // Act
      const copy = await cache.withKey(
        'a',
        async () => fromKms,
        (k) => Buffer.from(k),
      );

      // Assert
      expect(copy.equals(Buffer.from(keyOf(9)))).toBe(true);
      expect(Buffer.from(fromKms).equals(Buffer.alloc(32))).toBe(true);
    }
  });

  it('zeroes the shared load once the last waiter has its copy', async () => {
    // Arrange
    const cache = new KeyCache({ maxEntries: 1, clearOnExit: false });
    const copies: Buffer[] = [];
    const load = async () => keyOf(5);

    // Act
    await Promise.all([1, 2, 3].map(() => cache.withKey('a', load, (k) => void copies.push(k))));
    await settle();

    // Assert: every lent copy is zeroed after use, and only the cache's own entry holds the key.
    for (const copy of copies) expect(copy.equals(Buffer.alloc(32))).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('lets a failed load be retried by the next miss', async () => {
    const cache = new KeyCache({ clearOnExit: false });
    await expect(
      cache.withKey(
        'a',
        () => Promise.reject(new Error('kms down')),
        () => undefined,
      ),
    ).rejects.toThrow('kms down');
    await expect(
      cache.withKey(
        'a',
        async () => keyOf(3),
        (k) => k[0],
      ),
    ).resolves.toBe(3);
  });
});

describe('Class: ItemEncryptor (derived keys)', () => {
  it('zeroes the derived item keys when encrypt throws half-way', () => {
    // Arrange: capture the HKDF output (the AES and HMAC keys) of one encrypt that fails after deriving.
    const watched = hkdfSha256 as jest.MockedFunction<typeof hkdfSha256>;
    watched.mockClear();
    const encryptor = new ItemEncryptor(TABLE, secretSchema);
    const unencodable = secretItem({ extra: Symbol('no encoding') });

    // Act
    expect(() => encryptor.encrypt(unencodable, userKey())).toThrow();

    // Assert
    expect(watched.mock.results).toHaveLength(1);
    const derivedKeys = watched.mock.results[0]?.value as Buffer;
    expect(derivedKeys.equals(Buffer.alloc(64))).toBe(true);
  });
});
