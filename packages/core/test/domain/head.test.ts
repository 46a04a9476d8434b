import { IntegrityError } from '../../src/crypto';
import { type HeadEntry, MAX_HEAD_ENTRIES, VaultHead } from '../../src/domain/head';

const id = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('Class: VaultHead', () => {
  it('encodes and decodes its entries, the same entries to the same bytes', () => {
    // Arrange
    const head = VaultHead.empty().with([
      [id(2), { version: 7, state: 'trash', purgeAt: 1_900_000_000 }],
      [id(1), { version: 3, state: 'current' }],
    ]);
    const sameOtherOrder = VaultHead.empty().with([
      [id(1), { version: 3, state: 'current' }],
      [id(2), { version: 7, state: 'trash', purgeAt: 1_900_000_000 }],
    ]);

    // Act
    const back = VaultHead.decode(5, head.encode());

    // Assert
    expect(back.counter).toBe(5);
    expect(back.list()).toEqual(head.list().sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(Buffer.from(head.encode())).toEqual(Buffer.from(sameOtherOrder.encode()));
    expect(head.encode()).toHaveLength(1 + 2 * 25);
  });

  it('names an item only with the same id, state and version', () => {
    const head = VaultHead.empty().with([[id(1), { version: 3, state: 'current' }]]);
    expect(head.names(id(1), 'current', { id: id(1), version: 3 })).toBe(true);
    expect(head.names(id(1), 'current', { id: id(1), version: 2 })).toBe(false);
    expect(head.names(id(1), 'trash', { id: id(1), version: 3 })).toBe(false);
    expect(head.names(id(1), 'current', { id: id(2), version: 3 })).toBe(false);
    expect(head.names(id(2), 'current', { id: id(2), version: 1 })).toBe(false);
  });

  it('moves its counter on only through next()', () => {
    const head = VaultHead.empty().with([[id(1), { version: 1, state: 'current' }]]);
    expect(head.counter).toBe(0);
    expect(head.next().counter).toBe(1);
    expect(head.next().get(id(1))).toEqual({ version: 1, state: 'current' });
  });

  it('throws vault_full past MAX_HEAD_ENTRIES, and still takes removals at the limit', () => {
    const full = VaultHead.from(
      1,
      new Map(
        Array.from({ length: MAX_HEAD_ENTRIES }, (_, i) => [
          id(i),
          { version: 1, state: 'current' as const },
        ]),
      ),
    );
    expect(() => full.with([[id(MAX_HEAD_ENTRIES), { version: 1, state: 'current' }]])).toThrow(
      expect.objectContaining({ code: 'vault_full', status: 409 }),
    );
    expect(full.with([[id(0), undefined]]).size).toBe(MAX_HEAD_ENTRIES - 1);
    expect(full.with([[id(0), { version: 2, state: 'trash', purgeAt: 1 }]]).size).toBe(MAX_HEAD_ENTRIES);
  });

  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['an unknown format', Buffer.from([2])],
    ['a truncated entry', Buffer.concat([Buffer.from([1]), Buffer.alloc(24)])],
    ['an unknown state', entryBytes({ state: 9, version: 1, purgeAt: 0 })],
    ['version 0', entryBytes({ state: 1, version: 0, purgeAt: 0 })],
    ['a current entry with a purge time', entryBytes({ state: 1, version: 1, purgeAt: 5 })],
    ['a trash entry without one', entryBytes({ state: 2, version: 1, purgeAt: 0 })],
  ])('throws an integrity error for %s', (_name, bytes) => {
    expect(() => VaultHead.decode(1, bytes)).toThrow(IntegrityError);
  });

  it('throws an integrity error for a counter that is not a positive integer', () => {
    for (const counter of [0, -1, 1.5, '1', undefined]) {
      expect(() => VaultHead.decode(counter, VaultHead.empty().encode())).toThrow(IntegrityError);
    }
  });

  it('needs UUID ids, u32 versions and a purge time on trash entries only', () => {
    const bad: [string, HeadEntry][] = [
      ['not-a-uuid', { version: 1, state: 'current' }],
      [id(1), { version: 0, state: 'current' }],
      [id(1), { version: 2 ** 32, state: 'current' }],
      [id(1), { version: 1, state: 'trash' }],
      [id(1), { version: 1, state: 'current', purgeAt: 5 }],
    ];
    for (const change of bad) expect(() => VaultHead.empty().with([change])).toThrow();
  });

  it('lists expired trash entries, at most max, leaving out the ones a write touches', () => {
    const head = VaultHead.empty().with([
      [id(1), { version: 1, state: 'trash', purgeAt: 100 }],
      [id(2), { version: 1, state: 'trash', purgeAt: 200 }],
      [id(3), { version: 1, state: 'trash', purgeAt: 300 }],
      [id(4), { version: 1, state: 'current' }],
    ]);
    expect(head.expired(250, 8, new Set())).toEqual([id(1), id(2)]);
    expect(head.expired(250, 1, new Set())).toEqual([id(1)]);
    expect(head.expired(250, 8, new Set([id(1)]))).toEqual([id(2)]);
  });
});

function entryBytes(e: { state: number; version: number; purgeAt: number }): Buffer {
  const b = Buffer.alloc(26);
  b[0] = 1;
  b.write('00000001000040008000000000000000', 1, 16, 'hex');
  b.writeUInt32BE(e.version, 17);
  b[21] = e.state;
  b.writeUInt32BE(e.purgeAt, 22);
  return b;
}
