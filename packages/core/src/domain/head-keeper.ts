import { SIGNATURE_ATTRIBUTE } from '../crypto/constants';
import { IntegrityError } from '../crypto/errors';
import { type Item, ItemEncryptor } from '../crypto/item-encryptor';
import { HEAD_SK, type HeadRepository } from '../store/heads';
import { type SecretRepository, secretKeys, type TransactItem } from '../store/secrets';
import { ServiceUnavailableError } from './errors';
import { HEAD_ENTITY, type HeadEntry, HeadMismatchError, VaultHead } from './head';
import type { KeySession } from './key-session';

/** A verified head and the item it came from (undefined: the user has no head yet). */
export interface LoadedHead {
  readonly head: VaultHead;
  readonly stored: Item | undefined;
}

/** What a write does, worked out from a head and the items it read. */
export interface WritePlan<T> {
  /** The item writes, each with the condition that what was read is still there. */
  readonly ops: readonly TransactItem[];
  /** The head entries they change (undefined removes one). */
  readonly changes: readonly (readonly [string, HeadEntry | undefined])[];
  readonly result: T;
  /** Called when one of `ops` failed its condition: throws what that means (412, 404…). */
  readonly conflict: () => Promise<never>;
}

/**
 * How a read gets the items it checks: `first` with the stored head in one
 * round trip where it can; `again` the items alone, for the ordered re-read.
 */
export interface Reads<R> {
  readonly first: () => Promise<readonly [Item | undefined, R]>;
  readonly again: () => Promise<R>;
}

export interface HeadKeeperDependencies {
  readonly heads: HeadRepository;
  readonly secrets: SecretRepository;
  readonly tableName: string;
  readonly now: () => number;
}

/** TransactWriteItems takes at most 100 actions. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Expired trash entries a write removes on the way, so the head does not grow without end. */
const CLEANUP_PER_WRITE = 8;
/** Writes to one user's head race; a write that lost on the head alone starts again this often. */
const WRITE_ATTEMPTS = 16;
/** Reads that disagree with the head are repeated, head-items-head, this often. */
const RECHECK_ATTEMPTS = 3;

/**
 * Reads, verifies and writes a user's head (see VaultHead): reads check items
 * against it, and every write commits its items and the next head in one
 * transaction, conditioned on the head counter it read.
 */
export class HeadKeeper {
  private readonly encryptor: ItemEncryptor;

  public constructor(private readonly deps: HeadKeeperDependencies) {
    this.encryptor = new ItemEncryptor(deps.tableName, HEAD_ENTITY);
  }

  /** The user's head, verified; an empty head when there is none. A tampered head throws. */
  public async load(keys: KeySession, pk: string): Promise<LoadedHead> {
    return this.open(keys, await this.deps.heads.get(pk));
  }

  /** Reads items by sort key: with the head in one BatchGetItem (one round trip, not two). */
  public items(pk: string, sortKeys: readonly string[]): Reads<(Item | undefined)[]> {
    return {
      first: async () => {
        const [head, ...items] = await this.deps.secrets.getMany(pk, [HEAD_SK, ...sortKeys]);
        return [head, items] as const;
      },
      again: () => this.deps.secrets.getMany(pk, sortKeys),
    };
  }

  /** Reads items by a query, in parallel with the head. */
  public query<R>(pk: string, query: () => Promise<R>): Reads<R> {
    return { first: () => Promise.all([this.deps.heads.get(pk), query()]), again: query };
  }

  /**
   * Reads the head and items and checks them (`evaluate`). Two reads are not
   * one snapshot: a write can land between them. So when the answer
   * disagrees with the head (a HeadMismatchError, or `settled` false), it
   * reads again in order, head, items, head, and keeps the answer only if the
   * head did not move meanwhile: a rolled-back item stays rolled back, a race
   * does not repeat.
   */
  public async read<R, T>(
    keys: KeySession,
    pk: string,
    reads: Reads<R>,
    evaluate: (loaded: LoadedHead, fetched: R) => Promise<T>,
    settled: (value: T) => boolean = () => true,
  ): Promise<T> {
    const [stored, fetched] = await reads.first();
    try {
      const value = await evaluate(await this.open(keys, stored), fetched);
      if (settled(value)) return value;
    } catch (err) {
      if (!(err instanceof HeadMismatchError)) throw err;
    }
    for (let attempt = 0; attempt < RECHECK_ATTEMPTS; attempt++) {
      const before = await this.load(keys, pk);
      const again = await reads.again();
      if (sameHead(before.stored, await this.deps.heads.get(pk))) return evaluate(before, again);
    }
    throw new ServiceUnavailableError('The vault changed while it was read; retry.');
  }

  /**
   * Plans a write from the head and the items `fetch` reads, then writes the
   * plan's items and the next head in one transaction. When only the head's
   * condition failed (another write of the same user got in first), it starts
   * again from fresh reads, so concurrent writes to different secrets all
   * succeed; when an item's condition failed, the plan says what that means.
   */
  public async commit<R, T>(
    keys: KeySession,
    pk: string,
    reads: Reads<R>,
    plan: (loaded: LoadedHead, fetched: R) => Promise<WritePlan<T>>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { loaded, write } = await this.read(keys, pk, reads, async (l, fetched) => ({
        loaded: l,
        write: await plan(l, fetched),
      }));
      if (loaded.stored === undefined && (await this.hasSecrets(pk))) {
        if ((await this.deps.heads.get(pk)) === undefined) {
          // Trust on first use is for an empty vault only: deleting the head must not reset protection.
          throw new IntegrityError('The vault has secrets but no head; restore the head from a backup.');
        }
        continue; // another first write came in between
      }
      const touched = new Set(write.changes.map(([id]) => id));
      const room = Math.min(CLEANUP_PER_WRITE, MAX_TRANSACTION_ITEMS - 1 - write.ops.length);
      const expired = loaded.head.expired(Math.floor(this.deps.now() / 1000), room, touched);
      const next = loaded.head
        .with([...write.changes, ...expired.map((id) => [id, undefined] as const)])
        .next();
      const sealed = this.encryptor.encrypt(
        { pk, sk: HEAD_SK, counter: next.counter, entries: next.encode() },
        await keys.latest(),
      );
      const outcome = await this.deps.secrets.transact([
        ...write.ops,
        // Past their purge time: gone now, whatever the TTL process has done yet.
        ...expired.map((id) => this.deps.secrets.delete(pk, secretKeys.trash(id))),
        this.deps.heads.put(sealed, loaded.stored === undefined ? undefined : loaded.head.counter),
      ]);
      if (outcome.ok) return write.result;
      const itemFailed = outcome.reasons
        .slice(0, write.ops.length)
        .some((reason) => reason === 'ConditionalCheckFailed');
      if (itemFailed && !outcome.reasons.includes('TransactionConflict')) await write.conflict();
      if (attempt >= WRITE_ATTEMPTS) {
        throw new ServiceUnavailableError('The vault is busy with other writes; retry.');
      }
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
  }

  private async open(keys: KeySession, stored: Item | undefined): Promise<LoadedHead> {
    if (stored === undefined) return { head: VaultHead.empty(), stored };
    const opened = await this.encryptor.decrypt(stored, (version) => keys.key(version));
    return { head: VaultHead.decode(opened.counter, opened.entries), stored };
  }

  private async hasSecrets(pk: string): Promise<boolean> {
    const prefixes = [secretKeys.currentPrefix, secretKeys.trashPrefix, secretKeys.anyVersionPrefix];
    return (await Promise.all(prefixes.map((p) => this.deps.secrets.any(pk, p)))).some(Boolean);
  }
}

/** Whether two reads of a head item are the same write: same counter and signature. */
function sameHead(a: Item | undefined, b: Item | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const sa = a[SIGNATURE_ATTRIBUTE];
  const sb = b[SIGNATURE_ATTRIBUTE];
  return (
    a.counter === b.counter &&
    sa instanceof Uint8Array &&
    sb instanceof Uint8Array &&
    Buffer.compare(Buffer.from(sa), Buffer.from(sb)) === 0
  );
}
