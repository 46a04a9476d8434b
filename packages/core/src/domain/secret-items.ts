import { Beacon, hostNormaliser } from '../crypto/beacons';
import { IntegrityError } from '../crypto/errors';
import { type Item, ItemEncryptor, type UserKey } from '../crypto/item-encryptor';
import { CONTENT_ID_ATTRIBUTE, SITE_BEACONS_ATTRIBUTE, secretKeys } from '../store/secrets';
import { NotFoundError } from './errors';
import { type HeadEntry, HeadMismatchError, type VaultHead } from './head';
import { contentIdOf } from './import-ids';
import type { ItemUri } from './item-model';
import type { KeySession } from './key-session';
import { idOfSortKey } from './secret-records';
import { SECRET_ENTITY, type UnreadableSecret } from './secret-schema';
import { type SiteBeaconKind, uriBeaconValues } from './site-match';

export const UNREADABLE = 'integrity_error' as const;

/** An item checked against the head: its fields, or why it cannot be shown. */
export type Checked = { readonly item: Item } | { readonly id: string; readonly mismatch: boolean };

/**
 * Secret items and the checks every read makes: sealed and opened with the
 * item encryptor under the user's keys, then held against the user's head.
 * A HeadMismatchError is an item that verifies but is not what the head
 * names; any other IntegrityError, an item that does not verify.
 */
export class SecretItems {
  private readonly encryptor: ItemEncryptor;
  /** The `site` beacon (GSI key) of current items: the first URI's host; how items written before per-URI beacons are found. */
  public readonly site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
  /** Per-URI site beacons, by kind (site-match.ts): each kind its own key and length. */
  public readonly siteBeacons: Readonly<Record<SiteBeaconKind, Beacon>> = {
    domain: new Beacon({ attribute: 'site-domain' }),
    host: new Beacon({ attribute: 'site-host' }),
    regex: new Beacon({ attribute: 'site-regex' }),
  };

  public constructor(tableName: string) {
    this.encryptor = new ItemEncryptor(tableName, SECRET_ENTITY);
  }

  /** The current item of `id`, verified and checked against the head. */
  public async current(
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
  public async check(
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
  public async checkCurrentItems(
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
  public async versionOf(
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

  /** Encrypts a secret's fields under `key`, with the site beacon on current items. */
  public seal(
    pk: string,
    sk: string,
    fields: Item,
    key: UserKey,
    withBeacon: boolean,
    expiresAt?: number,
    /** The user's first key: with it, the item gets its content id (contentIdOf), which imports look up. */
    contentKey?: UserKey,
  ): Item {
    const { beacon: _b, beacons: _bs, expiresAt: _e, contentId: _c, pk: _pk, sk: _sk, ...content } = fields;
    const item: Item = { pk, sk, ...content };
    // The GSI beacon stands for the first URI (`url` on items written before items had several);
    // `beacons` holds one per URI and rule, for site search by match rule.
    const uris =
      (content.uris as ItemUri[] | undefined) ??
      (typeof content.url === 'string' ? [{ uri: content.url }] : []);
    const site = uris[0]?.uri;
    if (withBeacon && typeof site === 'string' && site.length > 0) {
      item.beacon = this.site.compute(key.key, site);
    }
    const beacons = withBeacon
      ? [
          ...new Set(
            uris.flatMap(uriBeaconValues).map(([kind, v]) => this.siteBeacons[kind].compute(key.key, v)),
          ),
        ]
      : [];
    if (beacons.length > 0) item[SITE_BEACONS_ATTRIBUTE] = ` ${beacons.join(' ')} `;
    if (expiresAt !== undefined) item.expiresAt = expiresAt;
    if (contentKey !== undefined) item[CONTENT_ID_ATTRIBUTE] = contentIdOf(contentKey, content);
    return this.encryptor.encrypt(item, key);
  }

  /** Verifies and decrypts an item (only `only` of its encrypted attributes, when given). */
  public async open(keys: KeySession, record: Item, only?: readonly string[]): Promise<Item> {
    const opened = await this.encryptor.decrypt(record, (version) => keys.key(version), only);
    const { pk: _pk, sk: _sk, beacon: _b, beacons: _bs, contentId: _c, expiresAt: _e, ...fields } = opened;
    return fields;
  }
}

/** Unreadable items as the API reports them: one per id, in id order. */
export function reported(unreadable: readonly { id: string }[]): UnreadableSecret[] {
  return [...new Set(unreadable.map((u) => u.id))].sort().map((id) => ({ id, code: UNREADABLE }));
}
