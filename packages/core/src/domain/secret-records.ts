import type { Item } from '../crypto/item-encryptor';
import { NotFoundError } from './errors';
import type { ItemType, ItemUri } from './item-model';
import type { Secret, SecretInput, SecretMetadata } from './secret-schema';
import { sshFingerprint } from './ssh-fingerprint';

const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A secret id from a path: anything that is not one of ours is simply not found. */
export function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new NotFoundError();
  return id;
}

/** The secret id in a sort key (`SECRET#id`, `TRASH#id`, `VERSION#id#v`), for naming an unreadable item. */
export function idOfSortKey(sk: unknown): string {
  return typeof sk === 'string' ? (sk.split('#')[1] ?? '') : '';
}

/** Drops empty optional members so that absent and empty read back the same. */
function pruned<T extends Record<string, unknown>>(input: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const inner = pruned(v as Record<string, unknown>);
      if (Object.keys(inner).length === 0) continue;
      out[k] = inner;
      continue;
    }
    out[k] = v;
  }
  return out as T;
}

/**
 * What is stored of an input: its members without empty ones, `type` always
 * (SIGN_ONLY), a login's URIs as `uris` (the `url` shorthand folded in; the
 * default match left implicit), `favorite` only when true, and an SSH key
 * with the fingerprint of its public key.
 */
export function clean(input: SecretInput): SecretInput {
  const { url, uris, favorite, ...rest } = pruned(input as Record<string, unknown>) as SecretInput;
  const out: Record<string, unknown> = { type: input.type ?? 'login', ...rest };
  const list = uris ?? (url !== undefined ? [{ uri: url }] : []);
  if (list.length > 0)
    out.uris = list.map((u) => (u.match === undefined || u.match === 'domain' ? { uri: u.uri } : u));
  if (favorite === true) out.favorite = true;
  if (input.sshKey !== undefined) out.sshKey = { ...input.sshKey, fingerprint: sshFingerprint(input.sshKey) };
  return out as SecretInput;
}

/** A login's URIs as stored, or its one `url` when written before items had several. */
export function urisOf(item: Item): ItemUri[] {
  if (Array.isArray(item.uris)) return item.uris as ItemUri[];
  return typeof item.url === 'string' ? [{ uri: item.url }] : [];
}

export function metadataOf(item: Item): SecretMetadata {
  const first = urisOf(item)[0]?.uri;
  return {
    id: item.id as string,
    version: item.version as number,
    type: (item.type as ItemType | undefined) ?? 'login',
    name: item.name as string,
    ...(first !== undefined ? { url: first } : {}),
    ...(item.username !== undefined ? { username: item.username as string } : {}),
    tags: (item.tags as string[] | undefined) ?? [],
    ...(item.folder !== undefined ? { folder: item.folder as string } : {}),
    favorite: item.favorite === true,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

const DETAIL_MEMBERS = [
  'password',
  'notes',
  'totp',
  'fields',
  'passwordHistory',
  'card',
  'identity',
  'sshKey',
] as const;

export function secretOf(item: Item): Secret {
  const uris = urisOf(item);
  const detail = Object.fromEntries(
    DETAIL_MEMBERS.filter((m) => item[m] !== undefined).map((m) => [m, item[m]]),
  );
  return {
    ...metadataOf(item),
    ...(uris.length > 0 ? { uris: uris.map((u) => ({ uri: u.uri, match: u.match ?? 'domain' })) } : {}),
    ...detail,
  } as Secret;
}

/** The content of a secret: what a new version copies (its SSH key's fingerprint is computed again). */
export function contentOf(item: Item): SecretInput {
  const {
    id: _i,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    deletedAt: _d,
    url: _url,
    sshKey,
    ...content
  } = secretOf(item) as Secret & { deletedAt?: string };
  const key =
    sshKey === undefined
      ? {}
      : {
          sshKey: {
            privateKey: sshKey.privateKey,
            ...(sshKey.publicKey ? { publicKey: sshKey.publicKey } : {}),
          },
        };
  return clean({ ...content, ...key } as SecretInput);
}

/**
 * What a text search looks in, lower-cased: the name, every URI, the
 * username, the notes and the custom fields' values, hidden ones excepted.
 */
export function searchTexts(item: Item): string[] {
  const fields = ((item.fields as { value?: string; type: string }[] | undefined) ?? [])
    .filter((f) => f.type !== 'hidden' && f.value !== undefined)
    .map((f) => f.value as string);
  return [item.name, ...urisOf(item).map((u) => u.uri), item.username, item.notes, ...fields]
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.toLowerCase());
}

/** The list's order: favourites first, then by name (case-insensitively) and id. */
export function listOrder(
  a: Pick<SecretMetadata, 'name' | 'id' | 'favorite'>,
  b: Pick<SecretMetadata, 'name' | 'id' | 'favorite'>,
): number {
  if (a.favorite !== b.favorite) return a.favorite ? -1 : 1;
  return byNameThenId(a, b);
}

export function byNameThenId(
  a: Pick<SecretMetadata, 'name' | 'id'>,
  b: Pick<SecretMetadata, 'name' | 'id'>,
): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
