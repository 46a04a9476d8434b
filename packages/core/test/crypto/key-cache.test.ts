import { KeyCache } from '../../src/crypto';

const keyOf = (byte: number) => new Uint8Array(32).fill(byte);

describe('Class: KeyCache', () => {
  it('loads once, then serves copies while the entry is young', async () => {
    // Arrange
    const cache = new KeyCache({ clearOnExit: false });
    const load = jest.fn(async () => keyOf(7));

    // Act
    const first = await cache.withKey('a', load, (k) => Buffer.from(k));
    const second = await cache.withKey('a', load, (k) => Buffer.from(k));

    // Assert
    expect(load).toHaveBeenCalledTimes(1);
    expect(first).toEqual(Buffer.from(keyOf(7)));
    expect(second).toEqual(first);
  });

  it('zeroes the copy it lent once the callback settles', async () => {
    const cache = new KeyCache({ clearOnExit: false });
    let lent: Buffer | undefined;
    await cache.withKey(
      'a',
      async () => keyOf(7),
      (k) => {
        lent = k;
      },
    );
    expect(lent).toEqual(Buffer.alloc(32));
  });

  it('reloads after the max age and zeroes the expired buffer', async () => {
    // Arrange
    let now = 1_000;
    const cache = new KeyCache({ maxAgeMs: 100, clearOnExit: false, now: () => now });
    const loaded: Uint8Array[] = [];
    const load = async () => {
      const k = keyOf(loaded.length + 1);
      loaded.push(k);
      return k;
    };
    await cache.withKey('a', load, () => undefined);
    const held = (cache as unknown as { entries: Map<string, { key: Buffer }> }).entries.get('a')
      ?.key as Buffer;

    // Act
    now += 101;
    const after = await cache.withKey('a', load, (k) => Buffer.from(k));

    // Assert
    expect(loaded).toHaveLength(2);
    expect(after).toEqual(Buffer.from(keyOf(2)));
    expect(held).toEqual(Buffer.alloc(32));
  });

  it('evicts the least recently used entry past max entries, zeroing it', async () => {
    // Arrange
    const cache = new KeyCache({ maxEntries: 2, clearOnExit: false });
    const entries = (cache as unknown as { entries: Map<string, { key: Buffer }> }).entries;
    const loads: string[] = [];
    const load = (id: string) => async () => {
      loads.push(id);
      return keyOf(id.charCodeAt(0));
    };
    await cache.withKey('a', load('a'), () => undefined);
    await cache.withKey('b', load('b'), () => undefined);
    await cache.withKey('a', load('a'), () => undefined); // a is now the most recent
    const bBuffer = entries.get('b')?.key as Buffer;

    // Act
    await cache.withKey('c', load('c'), () => undefined);

    // Assert
    expect([...entries.keys()]).toEqual(['a', 'c']);
    expect(bBuffer).toEqual(Buffer.alloc(32));
    expect(loads).toEqual(['a', 'b', 'c']);
  });

  it('shares one load among concurrent misses of the same id', async () => {
    const cache = new KeyCache({ clearOnExit: false });
    const load = jest.fn(() => new Promise<Uint8Array>((r) => setTimeout(() => r(keyOf(1)), 20)));
    await Promise.all(Array.from({ length: 50 }, () => cache.withKey('a', load, () => undefined)));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads on every use when max age is 0, keeping nothing', async () => {
    const cache = new KeyCache({ maxAgeMs: 0, clearOnExit: false });
    const load = jest.fn(async () => keyOf(1));
    await Promise.all(Array.from({ length: 5 }, () => cache.withKey('a', load, () => undefined)));
    expect(load).toHaveBeenCalledTimes(5);
    expect(cache.size).toBe(0);
  });

  it('zeroes every entry on clear, and on process exit', async () => {
    // Arrange
    const listenersBefore = process.listeners('exit').length;
    const cache = new KeyCache();
    await cache.withKey(
      'a',
      async () => keyOf(9),
      () => undefined,
    );
    const held = (cache as unknown as { entries: Map<string, { key: Buffer }> }).entries.get('a')
      ?.key as Buffer;
    const onExit = process.listeners('exit').at(-1) as () => void;

    // Act
    onExit();

    // Assert
    expect(process.listeners('exit').length).toBe(listenersBefore + 1);
    expect(held).toEqual(Buffer.alloc(32));
    expect(cache.size).toBe(0);
    process.off('exit', onExit);
  });

  it('does not keep a failed load', async () => {
    const cache = new KeyCache({ clearOnExit: false });
    await expect(
      cache.withKey(
        'a',
        async () => Promise.reject(new Error('kms down')),
        () => undefined,
      ),
    ).rejects.toThrow('kms down');
    await expect(
      cache.withKey(
        'a',
        async () => keyOf(1),
        (k) => k.length,
      ),
    ).resolves.toBe(32);
  });

  describe('preconditions', () => {
    it('maxAgeMs must be 0 or more', () => {
      expect(() => new KeyCache({ maxAgeMs: -1, clearOnExit: false })).toThrow('maxAgeMs must be 0 or more');
    });

    it('maxEntries must be a positive integer', () => {
      expect(() => new KeyCache({ maxEntries: 0, clearOnExit: false })).toThrow(
        'maxEntries must be a positive integer',
      );
    });
  });
});
