import { randomUUID } from 'node:crypto';
import type { VaultConfig } from '../config';
import { SIGNATURE_ATTRIBUTE } from '../crypto/constants';
import { IntegrityError } from '../crypto/errors';
import type { Item } from '../crypto/item-encryptor';
import type { UserKeyring } from '../crypto/keyring';
import type { HeadRepository } from '../store/heads';
import { keys as tableKeys } from '../store/keys';
import { type SecretRepository, secretKeys } from '../store/secrets';
import type { UserRepository } from '../store/users';
import { ConflictError, NotFoundError, VaultError } from './errors';
import { HeadMismatchError } from './head';
import { HeadKeeper, type LoadedHead, type WritePlan } from './head-keeper';
import { importIdOf } from './import-ids';
import { type KeySession, UserKeys } from './key-session';
import { withPasswordHistory } from './password-history';
import { batches } from './secret-batches';
import { SecretItems } from './secret-items';
import {
  type SecretExport,
  type SecretFilters,
  type SecretPage,
  SecretReader,
  type TrashList,
  type VersionList,
} from './secret-reader';
import { checkId, clean, contentOf, metadataOf } from './secret-records';
import type { Secret, SecretInput, SecretMetadata } from './secret-schema';

export type {
  SecretExport,
  SecretFilters,
  SecretPage,
  TrashedSecret,
  TrashList,
  VersionList,
} from './secret-reader';

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

/** One input of createMany: created, or the error that stopped its batch. */
export type CreateOutcome = { readonly secret: SecretMetadata } | { readonly error: unknown };

/**
 * Why an import left an item out: the vault holds it already (`present`),
 * holds it in the trash (`trash`), or an earlier row of the same request is
 * the same item (`repeated`).
 */
export type SkipReason = 'present' | 'trash' | 'repeated';

/** One input of importMany: created, skipped as already there (with the id it has), or its batch's error. */
export type ImportOutcome = CreateOutcome | { readonly skipped: SkipReason; readonly id: string };

export interface SecretServiceDependencies {
  readonly secrets: SecretRepository;
  readonly heads: HeadRepository;
  readonly users: UserRepository;
  readonly keyring: UserKeyring;
  readonly config: VaultConfig;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Secrets: every sensitive attribute encrypted and signed with the user's
 * key before it reaches DynamoDB; ids, versions and timestamps signed only.
 * Current items live under `SECRET#id`, earlier versions under
 * `VERSION#id#v`, deleted ones under `TRASH#id` with a TTL. The user's head
 * (`HEAD`, see VaultHead) names the version and place of every secret; it is
 * written with every change and every read is checked against it.
 */
export class SecretService {
  private readonly now: () => number;
  private readonly keys: UserKeys;
  private readonly heads: HeadKeeper;
  private readonly items: SecretItems;
  private readonly reader: SecretReader;

  public constructor(private readonly deps: SecretServiceDependencies) {
    this.now = deps.now ?? Date.now;
    this.keys = new UserKeys({ users: deps.users, keyring: deps.keyring, now: this.now });
    this.heads = new HeadKeeper({
      heads: deps.heads,
      secrets: deps.secrets,
      tableName: deps.config.tables.vault,
      now: this.now,
    });
    this.items = new SecretItems(deps.config.tables.vault);
    this.reader = new SecretReader({
      secrets: deps.secrets,
      heads: this.heads,
      keys: this.keys,
      items: this.items,
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
      const [key, first] = await Promise.all([keys.latest(), keys.first()]);
      const at = this.iso();
      const prepared = inputs.map((input) => {
        const fields = { id: randomUUID(), version: 1, createdAt: at, updatedAt: at, ...clean(input) };
        return {
          fields,
          record: this.items.seal(pk, secretKeys.current(fields.id), fields, key, true, undefined, first),
        };
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

  /**
   * Imports secrets idempotently per item: each gets the id of its content
   * (importIdOf), so an item the head already names is skipped, not created
   * again, whether it came from another import of the same file or from a
   * retried batch that half landed; the check is made against the head each
   * transaction commits with, so a concurrent import cannot slip a duplicate
   * in. An item made by hand with the same content (its contentId, read
   * first) is skipped too. Otherwise as createMany: batches land whole or
   * not at all.
   */
  public importMany(userId: string, inputs: readonly SecretInput[]): Promise<ImportOutcome[]> {
    const pk = pkOf(userId);
    return this.keys.session(userId, async (keys) => {
      const [key, first, known] = await Promise.all([
        keys.latest(),
        keys.first(),
        this.deps.secrets.contentIds(pk),
      ]);
      const at = this.iso();
      const seen = new Set<string>();
      const outcomes: ImportOutcome[] = inputs.map(() => ({ error: new Error('not attempted') }));
      const prepared: { index: number; fields: Record<string, unknown> & { id: string }; record: Item }[] =
        [];
      inputs.forEach((input, index) => {
        const stored = clean(input);
        const id = importIdOf(first, stored);
        if (seen.has(id)) {
          outcomes[index] = { skipped: 'repeated', id };
          return;
        }
        seen.add(id);
        // The same content in an item made by hand (or before per-item import ids): its content id says so.
        const same = known.get(id);
        if (same !== undefined && same.id !== id) {
          outcomes[index] = { skipped: same.state === 'current' ? 'present' : 'trash', id: same.id };
          return;
        }
        const fields = { id, version: 1, createdAt: at, updatedAt: at, ...stored };
        prepared.push({
          index,
          fields,
          record: this.items.seal(pk, secretKeys.current(id), fields, key, true, undefined, first),
        });
      });
      for (const batch of batches(prepared)) {
        try {
          const held = await this.heads.commit(keys, pk, this.heads.items(pk, []), async ({ head }) => {
            const fresh = batch.filter((p) => head.get(p.fields.id) === undefined);
            return {
              ops: fresh.map((p) => this.deps.secrets.put(p.record, 'attribute_not_exists(pk)')),
              changes: fresh.map((p) => [p.fields.id, { version: 1, state: 'current' }] as const),
              result: new Map(batch.map((p) => [p.fields.id, head.get(p.fields.id)?.state])),
              conflict: async () => {
                throw new ConflictError('id_collision', 'Try again.');
              },
            };
          });
          for (const p of batch) {
            const state = held.get(p.fields.id);
            outcomes[p.index] =
              state === undefined
                ? { secret: metadataOf(p.fields) }
                : { skipped: state === 'current' ? 'present' : 'trash', id: p.fields.id };
          }
        } catch (error) {
          for (const p of batch) outcomes[p.index] = { error };
        }
      }
      return outcomes;
    });
  }

  public get(userId: string, id: string): Promise<Secret> {
    return this.reader.get(userId, id);
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
    const result = await this.writeItems(
      userId,
      pk,
      [secretKeys.current(id)],
      async (keys, { head }, [record]) => {
        const previous = await this.items.current(keys, head, id, record);
        if (previous.version !== ifMatch) throw new PreconditionFailedError(previous.version as number);
        const next = clean(input);
        // The old password stopped being current when the new version is written: one time for both.
        const at = this.iso();
        const history = withPasswordHistory(previous, next, at);
        const { passwordHistory: _h, ...content } = next;
        const withHistory = history ? { ...content, passwordHistory: history } : content;
        return this.replacement(keys, pk, id, previous, withHistory, at);
      },
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
    const trashed = await this.writeItems(
      userId,
      pk,
      [secretKeys.current(id)],
      async (keys, { head }, [record]): Promise<WritePlan<boolean>> => {
        const entry = head.get(id);
        const conflict = () => this.conflictOn(keys, pk, id);
        if (record === undefined) {
          if (entry?.state !== 'current') throw new NotFoundError();
          // The head names a secret the table lost: forget it.
          return { ops: [], changes: [[id, undefined]], result: false, conflict };
        }
        const current = await this.items.current(keys, head, id, record).catch((err: unknown) => {
          if (err instanceof IntegrityError) return undefined;
          throw err;
        });
        if (current !== undefined) {
          const version = current.version as number;
          const fields = { ...current, deletedAt: this.iso() };
          const item = this.items.seal(
            pk,
            secretKeys.trash(id),
            fields,
            await keys.latest(),
            false,
            purgeAt,
            await keys.first(),
          );
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
    );
    if (trashed) await this.expireVersions(pk, id, purgeAt);
  }

  public list(userId: string, filters: SecretFilters = {}): Promise<SecretPage> {
    return this.reader.list(userId, filters);
  }

  /** The current version and the kept ones, newest first, each verified before it is shown. */
  public versions(userId: string, id: string): Promise<VersionList> {
    return this.reader.versions(userId, id);
  }

  public getVersion(userId: string, id: string, version: number): Promise<Secret> {
    return this.reader.getVersion(userId, id, version);
  }

  /** Makes a new version with the content of version `version`. */
  public async restoreVersion(userId: string, id: string, version: number): Promise<SecretMetadata> {
    checkId(id);
    const pk = pkOf(userId);
    const result = await this.writeItems(
      userId,
      pk,
      [secretKeys.current(id), secretKeys.version(id, version)],
      async (keys, { head }, [record, kept]) => {
        const current = await this.items.current(keys, head, id, record);
        const source = await this.items.versionOf(keys, id, version, current, kept);
        return this.replacement(keys, pk, id, current, contentOf(source));
      },
    );
    await this.prune(pk, id);
    return result;
  }

  /** The trash, verified: `purgeAt` is the purge time the head signed, not the TTL attribute. */
  public trash(userId: string): Promise<TrashList> {
    return this.reader.trash(userId);
  }

  public async restoreFromTrash(userId: string, id: string): Promise<SecretMetadata> {
    checkId(id);
    const pk = pkOf(userId);
    const result = await this.writeItems(
      userId,
      pk,
      [secretKeys.trash(id)],
      async (keys, { head }, [record]) => {
        if (record === undefined) throw new NotFoundError();
        const opened = await this.items.open(keys, record);
        if (!head.names(id, 'trash', opened)) {
          throw new HeadMismatchError(`The trash item of ${id} is not the one the head names.`);
        }
        const { deletedAt: _d, ...fields } = opened;
        const version = fields.version as number;
        // The head says it is in the trash, so whatever is under SECRET#id is not current: replace it.
        const item = this.items.seal(
          pk,
          secretKeys.current(id),
          fields,
          await keys.latest(),
          true,
          undefined,
          await keys.first(),
        );
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
    const gone = await this.writeItems(
      userId,
      pk,
      [secretKeys.trash(id)],
      async (_keys, { head }, [record]): Promise<WritePlan<boolean>> => {
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
    );
    if (!gone) return;
    for (const v of await this.deps.secrets.query(pk, secretKeys.versionPrefix(id))) {
      await this.deps.secrets.deleteNow(pk, v.sk as string);
    }
  }

  /** Every current secret that verifies, whole, sorted by name, and the ones that do not. */
  public exportAll(userId: string): Promise<SecretExport> {
    return this.reader.exportAll(userId);
  }

  /**
   * A MAC of a request body under a key derived from the user's key (through
   * the key cache: no KMS call when it is warm), for the idempotency record.
   */
  public requestDigest(userId: string, body: Uint8Array): Promise<string> {
    return this.keys.digest(userId, body);
  }

  // ---- internals ------------------------------------------------------------

  /**
   * One write under the user's signed head: reads the head with the items at
   * `sortKeys` (one BatchGetItem), lets `plan` decide the writes, and commits
   * them with the new head, retrying a conflict on the head alone.
   */
  private writeItems<T>(
    userId: string,
    pk: string,
    sortKeys: readonly string[],
    plan: (keys: KeySession, loaded: LoadedHead, records: (Item | undefined)[]) => Promise<WritePlan<T>>,
  ): Promise<T> {
    return this.keys.session(userId, (keys) =>
      this.heads.commit(keys, pk, this.heads.items(pk, sortKeys), (loaded, records) =>
        plan(keys, loaded, records),
      ),
    );
  }

  /** The plan of a new version with `content`, keeping `previous` in the history. */
  private async replacement(
    keys: KeySession,
    pk: string,
    id: string,
    previous: Item,
    content: SecretInput,
    at: string = this.iso(),
  ): Promise<WritePlan<SecretMetadata>> {
    const [key, first] = await Promise.all([keys.latest(), keys.first()]);
    const from = previous.version as number;
    const fields = {
      id,
      version: from + 1,
      createdAt: previous.createdAt as string,
      updatedAt: at,
      ...content,
    };
    const ops = [
      this.deps.secrets.put(
        this.items.seal(pk, secretKeys.current(id), fields, key, true, undefined, first),
        'version = :expected',
        {
          ':expected': from,
        },
      ),
    ];
    if (this.deps.config.historyDepth > 0) {
      ops.push(
        this.deps.secrets.put(this.items.seal(pk, secretKeys.version(id, from), previous, key, false)),
      );
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
