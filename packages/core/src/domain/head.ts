import { IntegrityError } from '../crypto/errors';
import { AttributeAction, type EntitySchema } from '../crypto/item-encryptor';
import { needs } from '../crypto/needs';
import { ConflictError } from './errors';

/** Where a secret is: current (`SECRET#id`) or in the trash (`TRASH#id`). */
export type HeadState = 'current' | 'trash';

/** What the head knows of one secret. */
export interface HeadEntry {
  /** The version of its current item, or of its trash item. */
  readonly version: number;
  readonly state: HeadState;
  /** Trash only: when it is purged, in epoch seconds (the TTL written beside it, signed here). */
  readonly purgeAt?: number;
}

/**
 * The most secrets (current and trash together) one user's head can name:
 * 25 bytes an entry, so the largest head is 400,001 bytes of entries and
 * about 400.2 KB as a DynamoDB item, under the 400 KB (409,600 bytes) limit.
 */
export const MAX_HEAD_ENTRIES = 16_000;

const FORMAT = 1;
const ENTRY_BYTES = 25;
const STATE_CODES: Record<HeadState, number> = { current: 1, trash: 2 };
const U32_MAX = 0xffff_ffff;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Attribute actions of the head item (`USER#<id>`, `HEAD`): the counter is
 * signed and readable (DynamoDB conditions on it), the entries encrypted.
 */
export const HEAD_ENTITY: EntitySchema = {
  name: 'head',
  partitionKey: 'pk',
  sortKey: 'sk',
  versionAttribute: 'counter',
  attributes: {
    pk: AttributeAction.DO_NOTHING,
    sk: AttributeAction.DO_NOTHING,
    counter: AttributeAction.SIGN_ONLY,
    entries: AttributeAction.ENCRYPT_AND_SIGN,
  },
};

/** A write would make the head name more than MAX_HEAD_ENTRIES secrets. */
export class VaultFullError extends ConflictError {
  public constructor() {
    super(
      'vault_full',
      `The vault holds its maximum of ${MAX_HEAD_ENTRIES} secrets, the trash included; purge some first.`,
    );
    this.name = 'VaultFullError';
  }
}

/**
 * An item that verifies but disagrees with the head: an older version, a
 * secret the head does not know, or one the head names and the table lacks.
 * Either a table writer rolled it back, or a write came between two reads
 * (which the reader rules out by reading again).
 */
export class HeadMismatchError extends IntegrityError {
  public constructor(detail: string) {
    super(detail);
    this.name = 'HeadMismatchError';
  }
}

/**
 * A user's head: a monotonic counter and, for every secret, its current
 * version and whether it is current or in the trash. It is written in the
 * same transaction as every write to a secret, conditioned on the counter
 * it was read at, and every read checks items against it, so an older
 * signed copy of an item (or a purged one) written back is detected.
 *
 * Immutable: `with` answers a new head. Encoding (`entries`): a format byte,
 * then per secret in id order 16 bytes of id (a UUID), the version (u32),
 * the state (u8) and the purge time (u32 epoch seconds, 0 when current).
 */
export class VaultHead {
  private constructor(
    public readonly counter: number,
    private readonly entries: ReadonlyMap<string, HeadEntry>,
  ) {}

  /** The head of a vault that has never been written. */
  public static empty(): VaultHead {
    return new VaultHead(0, new Map());
  }

  public static from(counter: number, entries: ReadonlyMap<string, HeadEntry>): VaultHead {
    needs(Number.isInteger(counter) && counter >= 0 && counter <= U32_MAX, 'the head counter must be a u32');
    if (entries.size > MAX_HEAD_ENTRIES) throw new VaultFullError();
    for (const [id, entry] of entries) checkEntry(id, entry);
    return new VaultHead(counter, new Map(entries));
  }

  /** Reads the encoded entries of a verified head item; anything malformed is an integrity error. */
  public static decode(counter: unknown, bytes: unknown): VaultHead {
    if (typeof counter !== 'number' || !Number.isInteger(counter) || counter < 1 || counter > U32_MAX) {
      throw new IntegrityError('the head counter is malformed');
    }
    if (
      !(bytes instanceof Uint8Array) ||
      bytes.length < 1 ||
      bytes[0] !== FORMAT ||
      (bytes.length - 1) % ENTRY_BYTES !== 0
    ) {
      throw new IntegrityError('the head entries are malformed');
    }
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const entries = new Map<string, HeadEntry>();
    for (let at = 1; at < buf.length; at += ENTRY_BYTES) {
      const hex = buf.toString('hex', at, at + 16);
      const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      const version = buf.readUInt32BE(at + 16);
      const code = buf[at + 20];
      const purgeAt = buf.readUInt32BE(at + 21);
      const state =
        code === STATE_CODES.current ? 'current' : code === STATE_CODES.trash ? 'trash' : undefined;
      if (state === undefined || version < 1 || entries.has(id) || (state === 'trash') !== purgeAt > 0) {
        throw new IntegrityError('the head entries are malformed');
      }
      entries.set(id, state === 'trash' ? { version, state, purgeAt } : { version, state });
    }
    if (entries.size > MAX_HEAD_ENTRIES) throw new IntegrityError('the head names too many secrets');
    return new VaultHead(counter, entries);
  }

  public get size(): number {
    return this.entries.size;
  }

  public get(id: string): HeadEntry | undefined {
    return this.entries.get(id);
  }

  /** Every secret the head names, with its entry. */
  public list(): [string, HeadEntry][] {
    return [...this.entries];
  }

  /** Whether a verified item is the one the head names: same id, state and version. */
  public names(id: string, state: HeadState, item: { id?: unknown; version?: unknown }): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && entry.state === state && entry.version === item.version && item.id === id;
  }

  /** A head with these entries set (or removed, for undefined), at the same counter. */
  public with(changes: Iterable<readonly [string, HeadEntry | undefined]>): VaultHead {
    const next = new Map(this.entries);
    for (const [id, entry] of changes) {
      if (entry === undefined) {
        next.delete(id);
        continue;
      }
      checkEntry(id, entry);
      next.set(id, entry);
    }
    if (next.size > MAX_HEAD_ENTRIES) throw new VaultFullError();
    return new VaultHead(this.counter, next);
  }

  /** The same entries one counter on: what a write stores. */
  public next(): VaultHead {
    needs(this.counter < U32_MAX, 'the head counter is exhausted');
    return new VaultHead(this.counter + 1, this.entries);
  }

  /** Trash entries whose purge time has passed, at most `max`, leaving out `except`. */
  public expired(nowSeconds: number, max: number, except: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [id, entry] of this.entries) {
      if (out.length >= max) break;
      if (entry.state === 'trash' && (entry.purgeAt ?? 0) <= nowSeconds && !except.has(id)) out.push(id);
    }
    return out;
  }

  public encode(): Uint8Array {
    const ids = [...this.entries.keys()].sort();
    const buf = Buffer.alloc(1 + ids.length * ENTRY_BYTES);
    buf[0] = FORMAT;
    let at = 1;
    for (const id of ids) {
      const entry = this.entries.get(id) as HeadEntry;
      buf.write(id.replaceAll('-', ''), at, 16, 'hex');
      buf.writeUInt32BE(entry.version, at + 16);
      buf[at + 20] = STATE_CODES[entry.state];
      buf.writeUInt32BE(entry.state === 'trash' ? (entry.purgeAt as number) : 0, at + 21);
      at += ENTRY_BYTES;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
}

function checkEntry(id: string, entry: HeadEntry): void {
  needs(UUID.test(id), 'a head entry id must be a lowercase UUID');
  needs(
    Number.isInteger(entry.version) && entry.version >= 1 && entry.version <= U32_MAX,
    'a head entry version must be a u32 of at least 1',
  );
  needs(
    entry.state === 'trash'
      ? Number.isInteger(entry.purgeAt) &&
          (entry.purgeAt as number) >= 1 &&
          (entry.purgeAt as number) <= U32_MAX
      : entry.purgeAt === undefined,
    'a trash entry needs a purge time (u32 epoch seconds), a current one none',
  );
}
