import { createHmac } from 'node:crypto';
import { hkdfSha256 } from '../crypto/hkdf';
import type { UserKey } from '../crypto/item-encryptor';
import type { SecretInput } from './secret-schema';

const IMPORT_ID_INFO = Buffer.from('kmsvault/1 import id');

/** JSON with every object's keys sorted: one text for one value, whatever order a file wrote it in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The id an imported item gets: HMAC-SHA256 of the item as stored (canonical
 * JSON), under HKDF(the user's first key, "kmsvault/1 import id"), as a UUID
 * (version 8, RFC 9562's custom layout). The same item imported twice, or a
 * batch retried after it half landed, gets the same id, so the vault sees it
 * is already there; only the vault can compute it (the key never leaves the
 * function), so an id in the table says nothing of the item's content. The
 * first key is the account's for life (rotation adds versions, removes none).
 */
export function importIdOf(firstKey: UserKey, stored: SecretInput): string {
  const macKey = hkdfSha256(firstKey.key, Buffer.alloc(0), IMPORT_ID_INFO, 32);
  try {
    const bytes = createHmac('sha256', macKey).update(canonicalJson(stored), 'utf8').digest().subarray(0, 16);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80; // version 8
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // the RFC 9562 variant
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } finally {
    macKey.fill(0);
  }
}

/** What an item holds besides its content: ids, versions, times and what the table adds. */
const BOOKKEEPING = new Set([
  'id',
  'version',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'expiresAt',
  'pk',
  'sk',
  'beacon',
  'beacons',
  'contentId',
]);

/**
 * The content id of an item as stored: importIdOf its content (the item
 * without its bookkeeping), so an item made by hand and exported is known
 * again when that export is imported, as an imported one is by its id.
 */
export function contentIdOf(firstKey: UserKey, fields: Readonly<Record<string, unknown>>): string {
  const content = Object.fromEntries(Object.entries(fields).filter(([k]) => !BOOKKEEPING.has(k)));
  return importIdOf(firstKey, content as SecretInput);
}
