import { randomUUID } from 'node:crypto';
import type { VaultConfig } from '../config';
import { Beacon, hostNormaliser } from '../crypto/beacons';
import { SIGNATURE_ATTRIBUTE } from '../crypto/constants';
import { IntegrityError } from '../crypto/errors';
import { type Item, ItemEncryptor, type UserKey } from '../crypto/item-encryptor';
import type { UserKeyring } from '../crypto/keyring';
import type { HeadRepository } from '../store/heads';
import { keys as tableKeys } from '../store/keys';
import { type SecretRepository, secretKeys } from '../store/secrets';
import type { UserRepository } from '../store/users';
import { ConflictError, NotFoundError, VaultError } from './errors';
import { type HeadEntry, HeadMismatchError, type VaultHead } from './head';
import { HeadKeeper, MAX_TRANSACTION_ITEMS, type WritePlan } from './head-keeper';
import { type KeySession, UserKeys } from './key-session';
import { readCursor, writeCursor } from './list-cursor';
import { byNameThenId, checkId, clean, contentOf, idOfSortKey, metadataOf, secretOf } from './secret-records';
import {
  SECRET_ENTITY,
  SECRET_METADATA,
  type Secret,
  type SecretInput,
  type SecretMetadata,
  type UnreadableSecret,
  type UnreadableVersion,
} from './secret-schema';

export class PreconditionRequiredError extends VaultError {
  public constructor() {
    super(
      'precondition_required',
      428,
      'Precondition required',
      'Send If-Match with the version you are replacing.',
    );
    this.name = 'PreconditionRequiredError';
  }
}

export class PreconditionFailedError extends VaultError {
  public constructor(current: number) {
    super(
      'precondition_failed',
      412,
      'Precondition failed',
      `The secret has changed; its current version is ${current}.`,
    );
    this.name = 'PreconditionFailedError';
  }
}

export interface SecretFilters {
  readonly q?: string;
  readonly site?: string;
  readonly tag?: string;
  readonly folder?: string;
  /** @default 50 */
  readonly limit?: number;
  readonly cursor?: string;
}

/** A page of the list. `unreadable` (every page, whatever the filters) is there only when some are. */
export interface SecretPage {
  items: SecretMetadata[];
  nextCursor: string | null;
  unreadable?: UnreadableSecret[];
}

export type TrashedSecret = SecretMetadata & { deletedAt: string; purgeAt: string };

export interface TrashList {
  items: TrashedSecret[];
  unreadable?: UnreadableSecret[];
}

export interface VersionList {
  items: { version: number; updatedAt: string }[];
  unreadable?: UnreadableVersion[];
}

export interface SecretExport {
  secrets: Secret[];
  unreadable: UnreadableSecret[];
}

/** One input of createMany: created, or the error that stopped its batch. */
export type CreateOutcome = { readonly secret: SecretMetadata } | { readonly error: unknown };

export interface SecretServiceDependencies {
  readonly secrets: SecretRepository;
  readonly heads: HeadRepository;
  readonly users: UserRepository;
  readonly keyring: UserKeyring;
  readonly config: VaultConfig;
  /** @default Date.now */
  readonly now?: () => number;
}

const UNREADABLE = 'integrity_error' as const;
/** Secrets per import transaction: with expired-trash clean-up and the head, within 100 actions. */
const CREATE_BATCH = MAX_TRANSACTION_ITEMS - 10;
/** Bytes of secrets per import transaction: TransactWriteItems takes 4 MB, the head up to 400 KB of it. */
const CREATE_BATCH_BYTES = 3_000_000;

/** An item checked against the head: its fields, or why it cannot be shown. */
type Checked = { readonly item: Item } | { readonly id: string; readonly mismatch: boolean };

/**
 * Secrets: every sensitive attribute encrypted and signed with the user's
 * key before it reaches DynamoDB; ids, versions and timestamps signed only.
 * Current items live under `SECRET#id`, earlier versions under
 * `VERSION#id#v`, deleted ones under `TRASH#id` with a TTL. The user's head
 * (`HEAD`, see VaultHead) names the version and place of every secret; it is
 * written with every change and every read is checked against it.
 */
export class SecretService {
  private readonly encryptor: ItemEncryptor;
  private readonly site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
  private readonly now: () => number;
  private readonly keys: UserKeys;
  private readonly heads: HeadKeeper;

  public constructor(private readonly deps: SecretServiceDependencies) {
    this.encryptor = new ItemEncryptor(deps.config.tables.vault, SECRET_ENTITY);
    this.now = deps.now ?? Date.now;
    this.keys = new UserKeys({ users: deps.users, keyring: deps.keyring, now: this.now });
    this.heads = new HeadKeeper({
      heads: deps.heads,
      secrets: deps.secrets,
      tableName: deps.config.tables.vault,
      now: this.now,
    });
  }

  public async create(userId: string, input: SecretInput): Promise<SecretMetadata> {
    const [outcome] = await this.createMany(userId, [input]);
    if (outcome === undefined || 'error' in outcome) throw outcome?.error;
    return outcome.secret;
  }

  /**
   * Creates many secrets (an import): up to 90 per transaction with one head
   * write each. A batch lands whole or not at all; each input says which.
   */
  public createMany(userId: string, inputs: readonly SecretInput[]): Promise<CreateOutcome[]> {
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const key = await keys.latest();
      const at = this.iso();
      const prepared = inputs.map((input) => {
        const fields = { id: randomUUID(), version: 1, createdAt: at, updatedAt: at, ...clean(input) };
        return { fields, record: this.seal(pk, secretKeys.current(fields.id), fields, key, true) };
      });
      const outcomes: CreateOutcome[] = [];
      for (const batch of batches(prepared)) {
        try {
          await this.heads.commit(keys, pk, this.heads.items(pk, []), async () => ({
            ops: batch.map((p) => this.deps.secrets.put(p.record, 'attribute_not_exists(pk)')),
            changes: batch.map((p) => [p.fields.id, { version: 1, state: 'current' }] as const),
            result: undefined,
            conflict: async () => {
              throw new ConflictError('id_collision', 'Try again.');
            },
          }));
          outcomes.push(...batch.map((p) => ({ secret: metadataOf(p.fields) })));
        } catch (error) {
          outcomes.push(...batch.map(() => ({ error })));
        }
      }
      return outcomes;
    });
  }

  public get(userId: string, id: string): Promise<Secret> {
    checkId(id);
    const pk = pkOf(userId);
    return this.keys.session(userId, (keys) =>
      this.heads.read(keys, pk, this.heads.items(pk, [secretKeys.current(id)]), async ({ head }, [record]) =>
        secretOf(await this.current(keys, head, id, record)),
      ),
    );
  }

  /** Replaces a secret if `ifMatch` is its current version; the previous version is kept. */
  public async update(
    userId: string,
    id: string,
    ifMatch: number | undefined,
    input: SecretInput,
  ): Promise<SecretMetadata> {
    if (ifMatch === undefined) throw new PreconditionRequiredError();
    checkId(id);
    const pk = pkOf(userId);
    const result = await this.keys.session(userId, (keys) =>
      this.heads.commit(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.current(id)]),
        async ({ head }, [record]) => {
          const previous = await this.current(keys, head, id, record);
          if (previous.version !== ifMatch) throw new PreconditionFailedError(previous.version as number);
          return this.replacement(keys, pk, id, previous, clean(input));
        },
      ),
    );
    await this.prune(pk, id);
    return result;
  }

  /**
   * Moves a secret to the trash. An unreadable one is never decrypted: named
   * by the head as current, it moves to the trash as it is, where it stays
   * unreadable (its signature binds its old sort key) until purged; an item
   * the head does not place there (a copy put back) is only deleted.
   */
  public async remove(userId: string, id: string): Promise<void> {
    checkId(id);
    const pk = pkOf(userId);
    const purgeAt = this.purgeAt();
    const trashed = await this.keys.session(userId, (keys) =>
      this.heads.commit(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.current(id)]),
        async ({ head }, [record]): Promise<WritePlan<boolean>> => {
          const entry = head.get(id);
          const conflict = () => this.conflictOn(keys, pk, id);
          if (record === undefined) {
            if (entry?.state !== 'current') throw new NotFoundError();
            // The head names a secret the table lost: forget it.
            return { ops: [], changes: [[id, undefined]], result: false, conflict };
          }
          const current = await this.current(keys, head, id, record).catch((err: unknown) => {
            if (err instanceof IntegrityError) return undefined;
            throw err;
          });
          if (current !== undefined) {
            const version = current.version as number;
            const fields = { ...current, deletedAt: this.iso() };
            const item = this.seal(pk, secretKeys.trash(id), fields, await keys.latest(), false, purgeAt);
            return {
              ops: [
                this.deps.secrets.delete(pk, secretKeys.current(id), 'version = :v', { ':v': version }),
                this.deps.secrets.put(item),
              ],
              changes: [[id, { version, state: 'trash', purgeAt }]],
              result: true,
              conflict,
            };
          }
          const drop = this.deps.secrets.delete(
            pk,
            secretKeys.current(id),
            '#s = :s',
            { ':s': record[SIGNATURE_ATTRIBUTE] },
            { '#s': SIGNATURE_ATTRIBUTE },
          );
          if (entry?.state !== 'current') return { ops: [drop], changes: [], result: false, conflict };
          const { beacon: _b, ...raw } = record;
          return {
            ops: [drop, this.deps.secrets.put({ ...raw, sk: secretKeys.trash(id), expiresAt: purgeAt })],
            changes: [[id, { version: entry.version, state: 'trash', purgeAt }]],
            result: true,
            conflict,
          };
        },
      ),
    );
    if (trashed) await this.expireVersions(pk, id, purgeAt);
  }

  public list(userId: string, filters: SecretFilters = {}): Promise<SecretPage> {
    const limit = filters.limit ?? 50;
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const key = await keys.latest();
      const site = filters.site;
      const found = await this.heads.read(
        keys,
        pk,
        this.heads.query(pk, () =>
          site === undefined
            ? this.deps.secrets.query(pk, secretKeys.currentPrefix)
            : this.deps.secrets.byBeacon(pk, this.site.compute(key.key, site)),
        ),
        ({ head }, records) =>
          this.checkCurrentItems(keys, head, records, SECRET_METADATA, site === undefined),
        (checked) => !checked.suspect,
      );
      let items = found.items.map(metadataOf);
      if (site !== undefined) items = this.site.filterExact(items, (s) => s.url, site);
      if (filters.q !== undefined && filters.q.length > 0) {
        const q = filters.q.toLowerCase();
        items = items.filter((s) => [s.name, s.url, s.username].some((f) => f?.toLowerCase().includes(q)));
      }
      if (filters.tag !== undefined) {
        const tag = filters.tag.toLowerCase();
        items = items.filter((s) => s.tags.some((t) => t.toLowerCase() === tag));
      }
      if (filters.folder !== undefined) {
        const folder = filters.folder.toLowerCase();
        items = items.filter((s) => (s.folder ?? '').toLowerCase() === folder);
      }
      items.sort(byNameThenId);
      const after = filters.cursor === undefined ? undefined : readCursor(key, filters.cursor);
      const start = after === undefined ? 0 : items.findIndex((s) => byNameThenId(s, after) > 0);
      const page = start < 0 ? [] : items.slice(start, start + limit);
      const last = page.at(-1);
      const more = start >= 0 && start + limit < items.length && last !== undefined;
      return {
        items: page,
        nextCursor: more ? writeCursor(key, last) : null,
        ...(found.unreadable.length > 0 ? { unreadable: found.unreadable } : {}),
      };
    });
  }

  /** The current version and the kept ones, newest first, each verified before it is shown. */
  public versions(userId: string, id: string): Promise<VersionList> {
    checkId(id);
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const found = await this.heads.read(
        keys,
        pk,
        this.heads.query(pk, () =>
          Promise.all([
            this.deps.secrets.get(pk, secretKeys.current(id)),
            this.deps.secrets.query(pk, secretKeys.versionPrefix(id), true),
          ]),
        ),
        async ({ head }, [record, older]) => {
          const current = await this.current(keys, head, id, record, []);
          const checked = await Promise.all(
            older.map(async (r) => {
              const version = versionOfSortKey(r.sk);
              try {
                const opened = await this.open(keys, r, []);
                if (opened.id !== id || opened.version !== version) {
                  throw new IntegrityError(`a kept version of ${id} is not the one its key names`);
                }
                if (version >= (current.version as number)) {
                  throw new HeadMismatchError(`a kept version of ${id} is not older than its current one`);
                }
                return { version, updatedAt: opened.updatedAt as string };
              } catch (err) {
                if (!(err instanceof IntegrityError)) throw err;
                return { version, mismatch: err instanceof HeadMismatchError };
              }
            }),
          );
          return {
            items: [
              { version: current.version as number, updatedAt: current.updatedAt as string },
              ...checked.filter((c): c is { version: number; updatedAt: string } => 'updatedAt' in c),
            ],
            unreadable: checked
              .filter((c) => !('updatedAt' in c))
              .map((c) => ({ version: c.version, code: UNREADABLE })),
            suspect: checked.some((c) => 'mismatch' in c && c.mismatch),
          };
        },
        (v) => !v.suspect,
      );
      return { items: found.items, ...(found.unreadable.length > 0 ? { unreadable: found.unreadable } : {}) };
    });
  }

  public getVersion(userId: string, id: string, version: number): Promise<Secret> {
    checkId(id);
    const pk = pkOf(userId);
    return this.keys.session(userId, (keys) =>
      this.heads.read(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.current(id), secretKeys.version(id, version)]),
        async ({ head }, [record, kept]) => {
          const current = await this.current(keys, head, id, record);
          return secretOf(await this.versionOf(keys, id, version, current, kept));
        },
      ),
    );
  }

  /** Makes a new version with the content of version `version`. */
  public async restoreVersion(userId: string, id: string, version: number): Promise<SecretMetadata> {
    checkId(id);
    const pk = pkOf(userId);
    const result = await this.keys.session(userId, (keys) =>
      this.heads.commit(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.current(id), secretKeys.version(id, version)]),
        async ({ head }, [record, kept]) => {
          const current = await this.current(keys, head, id, record);
          const source = await this.versionOf(keys, id, version, current, kept);
          return this.replacement(keys, pk, id, current, contentOf(source));
        },
      ),
    );
    await this.prune(pk, id);
    return result;
  }

  /** The trash, verified: `purgeAt` is the purge time the head signed, not the TTL attribute. */
  public trash(userId: string): Promise<TrashList> {
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const found = await this.heads.read(
        keys,
        pk,
        this.heads.query(pk, () => this.deps.secrets.query(pk, secretKeys.trashPrefix)),
        async ({ head }, records) => {
          const checked = await Promise.all(
            records.map((r) => this.check(keys, head, r, 'trash', SECRET_METADATA)),
          );
          const items: TrashedSecret[] = [];
          const unreadable: { id: string; mismatch: boolean }[] = [];
          for (const c of checked) {
            if ('item' in c) {
              const purgeAt = (head.get(c.item.id as string)?.purgeAt as number) * 1000;
              items.push({
                ...metadataOf(c.item),
                deletedAt: c.item.deletedAt as string,
                purgeAt: new Date(purgeAt).toISOString(),
              });
            } else {
              unreadable.push(c);
            }
          }
          // A trash item gone before its purge time was deleted by someone else.
          const seen = new Set(records.map((r) => idOfSortKey(r.sk)));
          const nowSeconds = Math.floor(this.now() / 1000);
          for (const [id, entry] of head.list()) {
            if (entry.state === 'trash' && !seen.has(id) && (entry.purgeAt as number) > nowSeconds) {
              unreadable.push({ id, mismatch: true });
            }
          }
          return { items, unreadable };
        },
        (found) => !found.unreadable.some((u) => u.mismatch),
      );
      const unreadable = reported(found.unreadable);
      return {
        items: found.items.sort(byNameThenId),
        ...(unreadable.length > 0 ? { unreadable } : {}),
      };
    });
  }

  public async restoreFromTrash(userId: string, id: string): Promise<SecretMetadata> {
    checkId(id);
    const pk = pkOf(userId);
    const result = await this.keys.session(userId, (keys) =>
      this.heads.commit(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.trash(id)]),
        async ({ head }, [record]) => {
          if (record === undefined) throw new NotFoundError();
          const opened = await this.open(keys, record);
          if (!head.names(id, 'trash', opened)) {
            throw new HeadMismatchError(`The trash item of ${id} is not the one the head names.`);
          }
          const { deletedAt: _d, ...fields } = opened;
          const version = fields.version as number;
          // The head says it is in the trash, so whatever is under SECRET#id is not current: replace it.
          const item = this.seal(pk, secretKeys.current(id), fields, await keys.latest(), true);
          return {
            ops: [
              this.deps.secrets.delete(pk, secretKeys.trash(id), 'version = :v', { ':v': version }),
              this.deps.secrets.put(item),
            ],
            changes: [[id, { version, state: 'current' }]],
            result: metadataOf(fields),
            conflict: async () => {
              throw new NotFoundError();
            },
          };
        },
      ),
    );
    for (const v of await this.deps.secrets.query(pk, secretKeys.versionPrefix(id))) {
      await this.deps.secrets.setExpiry(v.pk as string, v.sk as string, undefined).catch(() => undefined);
    }
    return result;
  }

  /** Deletes a secret in the trash for good, with its versions; nothing is decrypted. */
  public async purge(userId: string, id: string): Promise<void> {
    checkId(id);
    const pk = pkOf(userId);
    const gone = await this.keys.session(userId, (keys) =>
      this.heads.commit(
        keys,
        pk,
        this.heads.items(pk, [secretKeys.trash(id)]),
        async ({ head }, [record]): Promise<WritePlan<boolean>> => {
          const state = head.get(id)?.state;
          if (record === undefined && state !== 'trash') throw new NotFoundError();
          return {
            ops:
              record === undefined
                ? []
                : [this.deps.secrets.delete(pk, secretKeys.trash(id), 'attribute_exists(pk)')],
            changes: state === 'trash' ? [[id, undefined]] : [],
            // A stale trash copy of a current secret goes; the secret and its versions stay.
            result: state !== 'current',
            conflict: async () => {
              throw new NotFoundError();
            },
          };
        },
      ),
    );
    if (!gone) return;
    for (const v of await this.deps.secrets.query(pk, secretKeys.versionPrefix(id))) {
      await this.deps.secrets.deleteNow(pk, v.sk as string);
    }
  }

  /** Every current secret that verifies, whole, sorted by name, and the ones that do not. */
  public exportAll(userId: string): Promise<SecretExport> {
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const found = await this.heads.read(
        keys,
        pk,
        this.heads.query(pk, () => this.deps.secrets.query(pk, secretKeys.currentPrefix)),
        ({ head }, records) => this.checkCurrentItems(keys, head, records, undefined, true),
        (checked) => !checked.suspect,
      );
      return { secrets: found.items.map(secretOf).sort(byNameThenId), unreadable: found.unreadable };
    });
  }

  /**
   * A MAC of a request body under a key derived from the user's key (through
   * the key cache: no KMS call when it is warm), for the idempotency record.
   */
  public requestDigest(userId: string, body: Uint8Array): Promise<string> {
    return this.keys.digest(userId, body);
  }

  // ---- internals ------------------------------------------------------------

  /** The current item of `id`, verified and checked against the head. */
  private async current(
    keys: KeySession,
    head: VaultHead,
    id: string,
    record: Item | undefined,
    only?: readonly string[],
  ): Promise<Item> {
    if (record === undefined) {
      if (head.get(id)?.state === 'current') {
        throw new HeadMismatchError(`The head names secret ${id}, which the table does not hold.`);
      }
      throw new NotFoundError();
    }
    const opened = await this.open(keys, record, only);
    if (!head.names(id, 'current', opened)) {
      throw new HeadMismatchError(`Secret ${id} is not the version the head names.`);
    }
    return opened;
  }

  /** Verifies one item against the head; an integrity failure is an answer, not an error. */
  private async check(
    keys: KeySession,
    head: VaultHead,
    record: Item,
    state: HeadEntry['state'],
    only?: readonly string[],
  ): Promise<Checked> {
    const id = idOfSortKey(record.sk);
    try {
      const item = await this.open(keys, record, only);
      if (!head.names(id, state, item)) throw new HeadMismatchError(`${id} is not what the head names`);
      return { item };
    } catch (err) {
      if (!(err instanceof IntegrityError)) throw err;
      return { id, mismatch: err instanceof HeadMismatchError };
    }
  }

  /**
   * Current items checked against the head. With `complete` (the records are
   * all of them, not search candidates), a current secret the head names and
   * the records lack is unreadable too.
   */
  private async checkCurrentItems(
    keys: KeySession,
    head: VaultHead,
    records: readonly Item[],
    only: readonly string[] | undefined,
    complete: boolean,
  ): Promise<{ items: Item[]; unreadable: UnreadableSecret[]; suspect: boolean }> {
    // Beacon candidates are current items; anything else with a beacon is not listed.
    const currents = records.filter((r) => String(r.sk).startsWith(secretKeys.currentPrefix));
    const checked = await Promise.all(currents.map((r) => this.check(keys, head, r, 'current', only)));
    const items: Item[] = [];
    const unreadable: { id: string; mismatch: boolean }[] = [];
    for (const c of checked) {
      if ('item' in c) items.push(c.item);
      else unreadable.push(c);
    }
    if (complete) {
      const seen = new Set(currents.map((r) => idOfSortKey(r.sk)));
      for (const [id, entry] of head.list()) {
        if (entry.state === 'current' && !seen.has(id)) unreadable.push({ id, mismatch: true });
      }
    }
    return { items, unreadable: reported(unreadable), suspect: unreadable.some((u) => u.mismatch) };
  }

  /** Version `version` of a secret whose verified current item is `current`. */
  private async versionOf(
    keys: KeySession,
    id: string,
    version: number,
    current: Item,
    kept: Item | undefined,
  ): Promise<Item> {
    if (current.version === version) return current;
    if (kept === undefined) throw new NotFoundError();
    if (version > (current.version as number)) {
      throw new HeadMismatchError(`A kept version of ${id} is newer than its current one.`);
    }
    const opened = await this.open(keys, kept);
    if (opened.id !== id || opened.version !== version) {
      throw new IntegrityError(`A kept version of ${id} is not the one its key names.`);
    }
    return opened;
  }

  /** The plan of a new version with `content`, keeping `previous` in the history. */
  private async replacement(
    keys: KeySession,
    pk: string,
    id: string,
    previous: Item,
    content: SecretInput,
  ): Promise<WritePlan<SecretMetadata>> {
    const key = await keys.latest();
    const from = previous.version as number;
    const fields = {
      id,
      version: from + 1,
      createdAt: previous.createdAt as string,
      updatedAt: this.iso(),
      ...content,
    };
    const ops = [
      this.deps.secrets.put(this.seal(pk, secretKeys.current(id), fields, key, true), 'version = :expected', {
        ':expected': from,
      }),
    ];
    if (this.deps.config.historyDepth > 0) {
      ops.push(this.deps.secrets.put(this.seal(pk, secretKeys.version(id, from), previous, key, false)));
    }
    return {
      ops,
      changes: [[id, { version: from + 1, state: 'current' }]],
      result: metadataOf(fields),
      conflict: () => this.conflictOn(keys, pk, id),
    };
  }

  /** What a failed item condition means: the secret moved on (412, with its version) or is gone (404). */
  private async conflictOn(keys: KeySession, pk: string, id: string): Promise<never> {
    const entry = (await this.heads.load(keys, pk)).head.get(id);
    if (entry?.state === 'current') throw new PreconditionFailedError(entry.version);
    throw new NotFoundError();
  }

  private async prune(pk: string, id: string): Promise<void> {
    const older = await this.deps.secrets.query(pk, secretKeys.versionPrefix(id), true);
    for (const stale of older.slice(this.deps.config.historyDepth)) {
      await this.deps.secrets.deleteNow(pk, stale.sk as string);
    }
  }

  private async expireVersions(pk: string, id: string, expiresAt: number): Promise<void> {
    for (const v of await this.deps.secrets.query(pk, secretKeys.versionPrefix(id))) {
      await this.deps.secrets.setExpiry(v.pk as string, v.sk as string, expiresAt).catch(() => undefined);
    }
  }

  /** Encrypts a secret's fields under `key`, with the site beacon on current items. */
  private seal(
    pk: string,
    sk: string,
    fields: Item,
    key: UserKey,
    withBeacon: boolean,
    expiresAt?: number,
  ): Item {
    const { beacon: _b, expiresAt: _e, pk: _pk, sk: _sk, ...content } = fields;
    const item: Item = { pk, sk, ...content };
    if (withBeacon && typeof content.url === 'string' && content.url.length > 0) {
      item.beacon = this.site.compute(key.key, content.url);
    }
    if (expiresAt !== undefined) item.expiresAt = expiresAt;
    return this.encryptor.encrypt(item, key);
  }

  /** Verifies and decrypts an item (only `only` of its encrypted attributes, when given). */
  private async open(keys: KeySession, record: Item, only?: readonly string[]): Promise<Item> {
    const opened = await this.encryptor.decrypt(record, (version) => keys.key(version), only);
    const { pk: _pk, sk: _sk, beacon: _b, expiresAt: _e, ...fields } = opened;
    return fields;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private purgeAt(): number {
    return Math.floor(this.now() / 1000) + this.deps.config.trashRetentionDays * 86_400;
  }
}

function pkOf(userId: string): string {
  return tableKeys.user(userId);
}

function versionOfSortKey(sk: unknown): number {
  return Number(String(sk).split('#')[2]);
}

/** Unreadable items as the API reports them: one per id, in id order. */
function reported(unreadable: readonly { id: string }[]): UnreadableSecret[] {
  return [...new Set(unreadable.map((u) => u.id))].sort().map((id) => ({ id, code: UNREADABLE }));
}

/** Sealed secrets in transactions of at most CREATE_BATCH items and CREATE_BATCH_BYTES. */
function* batches<T extends { record: Item }>(prepared: readonly T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const p of prepared) {
    const size = itemBytes(p.record);
    if (batch.length > 0 && (batch.length >= CREATE_BATCH || bytes + size > CREATE_BATCH_BYTES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(p);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** An upper bound of an item's size as DynamoDB counts it: names, strings as UTF-8, binaries, numbers. */
function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (value instanceof Uint8Array) bytes += value.length;
    else bytes += 21;
  }
  return bytes;
}
