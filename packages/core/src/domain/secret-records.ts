import type { Item } from '../crypto/item-encryptor';
import { NotFoundError } from './errors';
import type { Secret, SecretInput, SecretMetadata } from './secret-schema';

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

/** Drops empty optional fields so that absent and empty read back the same. */
export function clean(input: SecretInput): SecretInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as SecretInput;
}

export function metadataOf(item: Item): SecretMetadata {
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

export function secretOf(item: Item): Secret {
  return {
    ...metadataOf(item),
    ...(item.password !== undefined ? { password: item.password as string } : {}),
    ...(item.notes !== undefined ? { notes: item.notes as string } : {}),
  };
}

/** The content of a secret: what a new version copies. */
export function contentOf(item: Item): SecretInput {
  const {
    id: _i,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    deletedAt: _d,
    ...content
  } = secretOf(item) as Secret & { deletedAt?: string };
  return clean(content as SecretInput);
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
