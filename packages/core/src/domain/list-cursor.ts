import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { UserKey } from '../crypto/item-encryptor';
import { ValidationError } from './errors';
import type { SecretMetadata } from './secret-schema';

type Position = Pick<SecretMetadata, 'name' | 'id' | 'favorite'>;

/** An opaque list cursor: the last name, id and favourite mark of a page, MACed under a key derived from the user key. */
export function writeCursor(key: UserKey, last: Position): string {
  const body = Buffer.from(
    JSON.stringify({ n: last.name.toLowerCase(), i: last.id, f: last.favorite ? 1 : 0 }),
  ).toString('base64url');
  return `${body}.${cursorMac(key, body)}`;
}

export function readCursor(key: UserKey, cursor: string): Position {
  const [body, mac] = cursor.split('.');
  const expected = body === undefined ? '' : cursorMac(key, body);
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
  const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
    n: string;
    i: string;
    f?: number;
  };
  // A cursor from before favourites came first has no mark: it was in the one, unmarked, run.
  return { name: parsed.n, id: parsed.i, favorite: parsed.f === 1 };
}

function cursorMac(key: UserKey, body: string): string {
  const macKey = Buffer.from(
    hkdfSync('sha256', key.key, Buffer.from('cursor'), Buffer.from('kmsvault list cursor'), 32),
  );
  const mac = createHmac('sha256', macKey).update(body).digest('base64url').slice(0, 22);
  macKey.fill(0);
  return mac;
}
