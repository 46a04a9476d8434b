import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { VaultConfig } from '../config';
import { Beacon, hostNormaliser } from '../crypto/beacons';
import { type Item, ItemEncryptor, type UserKey } from '../crypto/item-encryptor';
import type { UserKeyring, WrappedUserKey } from '../crypto/keyring';
import { keys as tableKeys } from '../store/keys';
import { type SecretRepository, secretKeys } from '../store/secrets';
import type { UserRepository } from '../store/users';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError, VaultError } from './errors';
import {
  SECRET_ENTITY,
  SECRET_METADATA,
  type Secret,
  type SecretInput,
  type SecretMetadata,
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

export interface SecretPage {
  items: SecretMetadata[];
  nextCursor: string | null;
}

export interface SecretServiceDependencies {
  readonly secrets: SecretRepository;
  readonly users: UserRepository;
  readonly keyring: UserKeyring;
  readonly config: VaultConfig;
  /** @default Date.now */
  readonly now?: () => number;
}

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEYS_CACHE_MS = 5 * 60 * 1000;

/**
 * Secrets: every sensitive attribute encrypted and signed with the user's
 * key before it reaches DynamoDB; ids, versions and timestamps signed only.
 * Current items live under `SECRET#id`, earlier versions under
 * `VERSION#id#v`, deleted ones under `TRASH#id` with a TTL.
 */
export class SecretService {
  private readonly encryptor: ItemEncryptor;
  private readonly site = new Beacon({ attribute: 'site', normaliser: hostNormaliser });
  private readonly now: () => number;
  private readonly wrappedKeys = new Map<string, { keys: readonly WrappedUserKey[]; at: number }>();

  public constructor(private readonly deps: SecretServiceDependencies) {
    this.encryptor = new ItemEncryptor(deps.config.tables.vault, SECRET_ENTITY);
    this.now = deps.now ?? Date.now;
  }

  public async create(userId: string, input: SecretInput): Promise<SecretMetadata> {
    const id = randomUUID();
    const at = this.iso();
    const fields = { id, version: 1, createdAt: at, updatedAt: at, ...clean(input) };
    const record = await this.seal(userId, secretKeys.current(id), fields, true);
    const ok = await this.deps.secrets.transact([this.deps.secrets.put(record, 'attribute_not_exists(pk)')]);
    if (!ok) throw new ConflictError('id_collision', 'Try again.');
    return metadataOf(fields);
  }

  public async get(userId: string, id: string): Promise<Secret> {
    return secretOf(await this.open(userId, await this.current(userId, id)));
  }

  /** Replaces a secret if `ifMatch` is its current version; the previous version is kept. */
  public async update(
    userId: string,
    id: string,
    ifMatch: number | undefined,
    input: SecretInput,
  ): Promise<SecretMetadata> {
    if (ifMatch === undefined) throw new PreconditionRequiredError();
    const record = await this.current(userId, id);
    const previous = await this.open(userId, record);
    if (previous.version !== ifMatch) throw new PreconditionFailedError(previous.version as number);
    return this.replace(userId, previous, clean(input));
  }

  public async remove(userId: string, id: string): Promise<void> {
    const current = await this.open(userId, await this.current(userId, id));
    const deletedAt = this.iso();
    const expiresAt = this.purgeAt();
    const trashed = await this.seal(
      userId,
      secretKeys.trash(id),
      { ...current, deletedAt },
      false,
      expiresAt,
    );
    const ok = await this.deps.secrets.transact([
      this.deps.secrets.delete(pkOf(userId), secretKeys.current(id), 'version = :v', {
        ':v': current.version,
      }),
      this.deps.secrets.put(trashed),
    ]);
    if (!ok) throw new PreconditionFailedError(current.version as number);
    for (const v of await this.deps.secrets.query(pkOf(userId), secretKeys.versionPrefix(id))) {
      await this.deps.secrets.setExpiry(v.pk as string, v.sk as string, expiresAt).catch(() => undefined);
    }
  }

  public async list(userId: string, filters: SecretFilters = {}): Promise<SecretPage> {
    const limit = filters.limit ?? 50;
    const pk = pkOf(userId);
    return this.withLatestKey(userId, async (key) => {
      let records: Item[];
      if (filters.site !== undefined) {
        records = await this.deps.secrets.byBeacon(pk, this.site.compute(key.key, filters.site));
      } else {
        records = await this.deps.secrets.query(pk, secretKeys.currentPrefix);
      }
      const opened = await Promise.all(records.map((r) => this.open(userId, r, SECRET_METADATA)));
      let items = opened.map(metadataOf);
      if (filters.site !== undefined) items = this.site.filterExact(items, (s) => s.url, filters.site);
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
      const after = filters.cursor === undefined ? undefined : this.readCursor(key, filters.cursor);
      const start = after === undefined ? 0 : items.findIndex((s) => byNameThenId(s, after) > 0);
      const page = start < 0 ? [] : items.slice(start, start + limit);
      const last = page.at(-1);
      const more = start >= 0 && start + limit < items.length && last !== undefined;
      return { items: page, nextCursor: more ? this.writeCursor(key, last) : null };
    });
  }

  /** The current version and the kept ones, newest first. */
  public async versions(userId: string, id: string): Promise<{ version: number; updatedAt: string }[]> {
    const current = await this.open(userId, await this.current(userId, id), []);
    const older = await this.deps.secrets.query(pkOf(userId), secretKeys.versionPrefix(id), true);
    return [
      { version: current.version as number, updatedAt: current.updatedAt as string },
      ...older.map((r) => ({ version: r.version as number, updatedAt: r.updatedAt as string })),
    ];
  }

  public async getVersion(userId: string, id: string, version: number): Promise<Secret> {
    const current = await this.open(userId, await this.current(userId, id));
    if (current.version === version) return secretOf(current);
    const record = await this.deps.secrets.get(pkOf(userId), secretKeys.version(id, version));
    if (record === undefined) throw new NotFoundError();
    return secretOf(await this.open(userId, record));
  }

  /** Makes a new version with the content of version `version`. */
  public async restoreVersion(userId: string, id: string, version: number): Promise<SecretMetadata> {
    const source = await this.getVersion(userId, id, version);
    const current = await this.open(userId, await this.current(userId, id));
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...content } = source;
    return this.replace(userId, current, clean(content as SecretInput));
  }

  public async trash(userId: string): Promise<(SecretMetadata & { deletedAt: string; purgeAt: string })[]> {
    const records = await this.deps.secrets.query(pkOf(userId), secretKeys.trashPrefix);
    const opened = await Promise.all(records.map((r) => this.open(userId, r, SECRET_METADATA)));
    return opened
      .map((o, i) => ({
        ...metadataOf(o),
        deletedAt: o.deletedAt as string,
        purgeAt: new Date(((records[i]?.expiresAt as number) ?? 0) * 1000).toISOString(),
      }))
      .sort(byNameThenId);
  }

  public async restoreFromTrash(userId: string, id: string): Promise<SecretMetadata> {
    const trashed = await this.deps.secrets.get(pkOf(userId), secretKeys.trash(checkId(id)));
    if (trashed === undefined) throw new NotFoundError();
    const { deletedAt: _d, ...content } = await this.open(userId, trashed);
    const record = await this.seal(userId, secretKeys.current(id), content, true);
    const ok = await this.deps.secrets.transact([
      this.deps.secrets.delete(pkOf(userId), secretKeys.trash(id), 'attribute_exists(pk)'),
      this.deps.secrets.put(record, 'attribute_not_exists(pk)'),
    ]);
    if (!ok) throw new NotFoundError();
    for (const v of await this.deps.secrets.query(pkOf(userId), secretKeys.versionPrefix(id))) {
      await this.deps.secrets.setExpiry(v.pk as string, v.sk as string, undefined).catch(() => undefined);
    }
    return metadataOf(content);
  }

  public async purge(userId: string, id: string): Promise<void> {
    const pk = pkOf(userId);
    const trashed = await this.deps.secrets.get(pk, secretKeys.trash(checkId(id)));
    if (trashed === undefined) throw new NotFoundError();
    await this.deps.secrets.transact([
      this.deps.secrets.delete(pk, secretKeys.trash(id), 'attribute_exists(pk)'),
    ]);
    for (const v of await this.deps.secrets.query(pk, secretKeys.versionPrefix(id))) {
      await this.deps.secrets.deleteNow(pk, v.sk as string);
    }
  }

  /** Every current secret, whole, sorted by name. */
  public async exportAll(userId: string): Promise<Secret[]> {
    const records = await this.deps.secrets.query(pkOf(userId), secretKeys.currentPrefix);
    const opened = await Promise.all(records.map((r) => this.open(userId, r)));
    return opened.map(secretOf).sort(byNameThenId);
  }

  // ---- internals ------------------------------------------------------------

  private async replace(userId: string, previous: Item, input: SecretInput): Promise<SecretMetadata> {
    const id = previous.id as string;
    const from = previous.version as number;
    const fields = {
      id,
      version: from + 1,
      createdAt: previous.createdAt as string,
      updatedAt: this.iso(),
      ...input,
    };
    const record = await this.seal(userId, secretKeys.current(id), fields, true);
    const history = await this.seal(userId, secretKeys.version(id, from), previous, false);
    const ok = await this.deps.secrets.transact([
      this.deps.secrets.put(record, 'version = :expected', { ':expected': from }),
      ...(this.deps.config.historyDepth > 0 ? [this.deps.secrets.put(history)] : []),
    ]);
    if (!ok) {
      const now = await this.deps.secrets.get(pkOf(userId), secretKeys.current(id));
      if (now === undefined) throw new NotFoundError();
      throw new PreconditionFailedError(now.version as number);
    }
    await this.prune(userId, id);
    return metadataOf(fields);
  }

  private async prune(userId: string, id: string): Promise<void> {
    const pk = pkOf(userId);
    const older = await this.deps.secrets.query(pk, secretKeys.versionPrefix(id), true);
    for (const stale of older.slice(this.deps.config.historyDepth)) {
      await this.deps.secrets.deleteNow(pk, stale.sk as string);
    }
  }

  private async current(userId: string, id: string): Promise<Item> {
    const record = await this.deps.secrets.get(pkOf(userId), secretKeys.current(checkId(id)));
    if (record === undefined) throw new NotFoundError();
    return record;
  }

  /** Encrypts a secret's fields under the user's newest key, with the site beacon on current items. */
  private seal(
    userId: string,
    sk: string,
    fields: Item,
    withBeacon: boolean,
    expiresAt?: number,
  ): Promise<Item> {
    return this.withLatestKey(userId, (key) => {
      const { beacon: _b, expiresAt: _e, pk: _pk, sk: _sk, ...content } = fields;
      const item: Item = { pk: pkOf(userId), sk, ...content };
      if (withBeacon && typeof content.url === 'string' && content.url.length > 0) {
        item.beacon = this.site.compute(key.key, content.url);
      }
      if (expiresAt !== undefined) item.expiresAt = expiresAt;
      return this.encryptor.encrypt(item, key);
    });
  }

  private async open(userId: string, record: Item, only?: readonly string[]): Promise<Item> {
    const keys = await this.userKeys(userId, this.encryptor.keyVersionOf(record));
    const version = this.encryptor.keyVersionOf(record);
    const opened = await this.deps.keyring.withUserKey(userId, keys, version, (key) =>
      this.encryptor.decrypt(record, () => key, only),
    );
    const { pk: _pk, sk: _sk, beacon: _b, expiresAt: _e, ...fields } = opened;
    return fields;
  }

  private async withLatestKey<T>(userId: string, use: (key: UserKey) => Promise<T> | T): Promise<T> {
    const keys = await this.userKeys(userId);
    const latest = keys.reduce((max, k) => Math.max(max, k.version), 0);
    return this.deps.keyring.withUserKey(userId, keys, latest, use);
  }

  /** The user's wrapped keys, cached per process; refetched when a needed version is missing. */
  private async userKeys(userId: string, needVersion?: number): Promise<readonly WrappedUserKey[]> {
    const cached = this.wrappedKeys.get(userId);
    const fresh = cached !== undefined && this.now() - cached.at < KEYS_CACHE_MS;
    if (fresh && (needVersion === undefined || cached.keys.some((k) => k.version === needVersion)))
      return cached.keys;
    const profile = await this.deps.users.get(userId);
    if (profile === undefined) throw new UnauthorizedError('The account does not exist.');
    if (this.wrappedKeys.size > 10_000) this.wrappedKeys.clear();
    this.wrappedKeys.set(userId, { keys: profile.userKeys, at: this.now() });
    return profile.userKeys;
  }

  private writeCursor(key: UserKey, last: SecretMetadata): string {
    const body = Buffer.from(JSON.stringify({ n: last.name.toLowerCase(), i: last.id })).toString(
      'base64url',
    );
    return `${body}.${this.cursorMac(key, body)}`;
  }

  private readCursor(key: UserKey, cursor: string): Pick<SecretMetadata, 'name' | 'id'> {
    const [body, mac] = cursor.split('.');
    const expected = body === undefined ? '' : this.cursorMac(key, body);
    if (
      body === undefined ||
      mac === undefined ||
      mac.length !== expected.length ||
      !timingSafeEqual(Buffer.from(mac), Buffer.from(expected))
    ) {
      throw new ValidationError('The cursor is not one this API returned.', [
        { path: 'cursor', message: 'is not valid' },
      ]);
    }
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { n: string; i: string };
    return { name: parsed.n, id: parsed.i };
  }

  private cursorMac(key: UserKey, body: string): string {
    const macKey = Buffer.from(
      hkdfSync('sha256', key.key, Buffer.from('cursor'), Buffer.from('kmsvault list cursor'), 32),
    );
    const mac = createHmac('sha256', macKey).update(body).digest('base64url').slice(0, 22);
    macKey.fill(0);
    return mac;
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

function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new NotFoundError();
  return id;
}

/** Drops empty optional fields so that absent and empty read back the same. */
function clean(input: SecretInput): SecretInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as SecretInput;
}

function metadataOf(item: Item): SecretMetadata {
  return {
    id: item.id as string,
    version: item.version as number,
    name: item.name as string,
    ...(item.url !== undefined ? { url: item.url as string } : {}),
    ...(item.username !== undefined ? { username: item.username as string } : {}),
    tags: (item.tags as string[] | undefined) ?? [],
    ...(item.folder !== undefined ? { folder: item.folder as string } : {}),
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

function secretOf(item: Item): Secret {
  return {
    ...metadataOf(item),
    ...(item.password !== undefined ? { password: item.password as string } : {}),
    ...(item.notes !== undefined ? { notes: item.notes as string } : {}),
  };
}

function byNameThenId(
  a: Pick<SecretMetadata, 'name' | 'id'>,
  b: Pick<SecretMetadata, 'name' | 'id'>,
): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
