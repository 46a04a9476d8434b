import { IntegrityError } from '../crypto/errors';
import type { Item, UserKey } from '../crypto/item-encryptor';
import { keys as tableKeys } from '../store/keys';
import { type SecretRepository, secretKeys } from '../store/secrets';
import { HeadMismatchError } from './head';
import type { HeadKeeper } from './head-keeper';
import type { UserKeys } from './key-session';
import { readCursor, writeCursor } from './list-cursor';
import { reported, type SecretItems, UNREADABLE } from './secret-items';
import {
  byNameThenId,
  checkId,
  idOfSortKey,
  listOrder,
  metadataOf,
  searchTexts,
  secretOf,
  urisOf,
} from './secret-records';
import {
  SECRET_METADATA,
  type Secret,
  type SecretMetadata,
  type UnreadableSecret,
  type UnreadableVersion,
} from './secret-schema';
import { searchBeaconValues, uriMatches } from './site-match';

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

export interface SecretReaderDependencies {
  readonly secrets: SecretRepository;
  readonly heads: HeadKeeper;
  readonly keys: UserKeys;
  readonly items: SecretItems;
  readonly now: () => number;
}

/**
 * The read side of the secrets: every answer is checked against the user's
 * head first. One unreadable secret does not take a list, the trash or an
 * export down: they answer what verifies and name the rest.
 */
export class SecretReader {
  public constructor(private readonly deps: SecretReaderDependencies) {}

  public get(userId: string, id: string): Promise<Secret> {
    checkId(id);
    const pk = pkOf(userId);
    return this.deps.keys.session(userId, (keys) =>
      this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.items(pk, [secretKeys.current(id)]),
        async ({ head }, [record]) => secretOf(await this.deps.items.current(keys, head, id, record)),
      ),
    );
  }

  /**
   * Candidates for a site search, each item once: by the per-URI beacons
   * (registrable domain, host, the regex mark), and by the first-URI GSI
   * beacon (today's length and the legacy ones) for items written before
   * items had per-URI beacons. Beacons are shared by many values: the
   * caller decrypts the candidates and keeps the ones a URI matches.
   */
  private async siteCandidates(key: UserKey, pk: string, site: string): Promise<Item[]> {
    const items = this.deps.items;
    const perUri = searchBeaconValues(site).map(([kind, value]) =>
      items.siteBeacons[kind].compute(key.key, value),
    );
    const pages = await Promise.all([
      this.deps.secrets.withAnyBeacon(pk, secretKeys.currentPrefix, perUri),
      ...items.site.searchBeacons(key.key, site).map((beacon) => this.deps.secrets.byBeacon(pk, beacon)),
    ]);
    return [...new Map(pages.flat().map((r) => [r.sk as string, r])).values()];
  }

  public list(userId: string, filters: SecretFilters = {}): Promise<SecretPage> {
    const limit = filters.limit ?? 50;
    const pk = pkOf(userId);
    return this.deps.keys.session(userId, async (keys) => {
      const key = await keys.latest();
      const site = filters.site;
      // A text search reads notes and custom fields too; a plain list decrypts the metadata only.
      const only = filters.q ? [...SECRET_METADATA, 'notes', 'fields'] : SECRET_METADATA;
      const found = await this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.query(pk, () =>
          site === undefined
            ? this.deps.secrets.query(pk, secretKeys.currentPrefix)
            : this.siteCandidates(key, pk, site),
        ),
        ({ head }, records) =>
          this.deps.items.checkCurrentItems(keys, head, records, only, site === undefined),
        (checked) => !checked.suspect,
      );
      const q = filters.q?.toLowerCase() ?? '';
      const matching = found.items.filter(
        (item) =>
          (q.length === 0 || searchTexts(item).some((t) => t.includes(q))) &&
          (site === undefined || urisOf(item).some((uri) => uriMatches(uri, site))),
      );
      let items = matching.map(metadataOf);
      if (filters.tag !== undefined) {
        const tag = filters.tag.toLowerCase();
        items = items.filter((s) => s.tags.some((t) => t.toLowerCase().startsWith(tag)));
      }
      if (filters.folder !== undefined) {
        const folder = filters.folder.toLowerCase();
        items = items.filter((s) => (s.folder ?? '').toLowerCase().startsWith(folder));
      }
      items.sort(listOrder);
      const after = filters.cursor === undefined ? undefined : readCursor(key, filters.cursor);
      const start = after === undefined ? 0 : items.findIndex((s) => listOrder(s, after) > 0);
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
    return this.deps.keys.session(userId, async (keys) => {
      const found = await this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.query(pk, () =>
          Promise.all([
            this.deps.secrets.get(pk, secretKeys.current(id)),
            this.deps.secrets.query(pk, secretKeys.versionPrefix(id), true),
          ]),
        ),
        async ({ head }, [record, older]) => {
          const current = await this.deps.items.current(keys, head, id, record, []);
          const checked = await Promise.all(
            older.map(async (r) => {
              const version = versionOfSortKey(r.sk);
              try {
                const opened = await this.deps.items.open(keys, r, []);
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
    return this.deps.keys.session(userId, (keys) =>
      this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.items(pk, [secretKeys.current(id), secretKeys.version(id, version)]),
        async ({ head }, [record, kept]) => {
          const current = await this.deps.items.current(keys, head, id, record);
          return secretOf(await this.deps.items.versionOf(keys, id, version, current, kept));
        },
      ),
    );
  }

  /** The trash, verified: `purgeAt` is the purge time the head signed, not the TTL attribute. */
  public trash(userId: string): Promise<TrashList> {
    const pk = pkOf(userId);
    return this.deps.keys.session(userId, async (keys) => {
      const found = await this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.query(pk, () => this.deps.secrets.query(pk, secretKeys.trashPrefix)),
        async ({ head }, records) => {
          const checked = await Promise.all(
            records.map((r) => this.deps.items.check(keys, head, r, 'trash', SECRET_METADATA)),
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
          const nowSeconds = Math.floor(this.deps.now() / 1000);
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

  /** Every current secret that verifies, whole, sorted by name, and the ones that do not. */
  public exportAll(userId: string): Promise<SecretExport> {
    const pk = pkOf(userId);
    return this.deps.keys.session(userId, async (keys) => {
      const found = await this.deps.heads.read(
        keys,
        pk,
        this.deps.heads.query(pk, () => this.deps.secrets.query(pk, secretKeys.currentPrefix)),
        ({ head }, records) => this.deps.items.checkCurrentItems(keys, head, records, undefined, true),
        (checked) => !checked.suspect,
      );
      return { secrets: found.items.map(secretOf).sort(byNameThenId), unreadable: found.unreadable };
    });
  }
}

function pkOf(userId: string): string {
  return tableKeys.user(userId);
}

function versionOfSortKey(sk: unknown): number {
  return Number(String(sk).split('#')[2]);
}
