import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../src/domain/errors';
import { type ImportRow, parseImport } from '../../../src/domain/import-export';

/** Planted in every malformed value: no message may carry it back. */
const SECRET = 'SECRET-VALUE-7f3a';

const good = (n: number) => ({
  type: 1,
  name: `Site ${n}`,
  login: {
    uris: [{ match: null, uri: `https://site${n}.example` }],
    username: 'me',
    password: `${SECRET}-${n}`,
  },
});

const doc = (items: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ encrypted: false, folders: [], items, ...extra });

/** Parses and returns the rows, or the ValidationError a whole document earns. */
function run(content: string): ImportRow[] {
  return parseImport('bitwarden-json', content);
}

function validationError(content: string): ValidationError {
  try {
    run(content);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('Function: parseImport (bitwarden-json)', () => {
  describe('a malformed item is that row’s error, never a crash', () => {
    it.each([
      ['fields: "oops"', { fields: SECRET }, /^fields must be an array$/],
      ['fields: [null]', { fields: [null] }, /^fields\[0\] must be an object$/],
      [
        'fields[].value a number',
        { fields: [{ name: 'tags', value: 5 }] },
        /^fields\[0\]\.value must be a string$/,
      ],
      [
        'fields[].name an object',
        { fields: [{ name: { x: SECRET }, value: 'v' }] },
        /^fields\[0\]\.name must be a string$/,
      ],
      ['login: 5', { login: 5 }, /^login must be an object$/],
      ['login: a string', { login: SECRET }, /^login must be an object$/],
      ['uris: [{"uri": 7}]', { login: { uris: [{ uri: 7 }] } }, /^login\.uris\[0\]\.uri must be a string$/],
      ['uris: a string', { login: { uris: SECRET } }, /^login\.uris must be an array$/],
      ['uris: [null]', { login: { uris: [null] } }, /^login\.uris\[0\] must be an object$/],
      ['password a number', { login: { password: 12345 } }, /^login\.password must be a string$/],
      ['username an array', { login: { username: [SECRET] } }, /^login\.username must be a string$/],
      ['totp a number', { login: { totp: 123456 } }, /^login\.totp must be a string$/],
      ['name a number', { name: 5 }, /^name must be a string$/],
      ['notes an array', { notes: [SECRET] }, /^notes must be a string$/],
      ['folderId a number', { folderId: 3 }, /^folderId must be a string$/],
      ['type a string', { type: SECRET }, /^type must be a number$/],
    ])('%s: a per-row error naming the field', (_, patch, message) => {
      // Arrange
      const bad = { ...good(2), ...patch };

      // Act
      const rows = run(doc([good(1), bad, good(3)]));

      // Assert
      expect(rows.map((r) => ('error' in r ? 'error' : 'secret'))).toEqual(['secret', 'error', 'secret']);
      const row = rows[1] as { row: number; error: string };
      expect(row.row).toBe(2);
      expect(row.error).toMatch(message);
      expect(row.error).not.toContain(SECRET);
    });

    it.each([
      ['items: [null]', null],
      ['items: [5]', 5],
      ['items: ["…"]', SECRET],
      ['items: [[…]]', [SECRET]],
    ])('%s: that row says the item must be an object', (_, item) => {
      const rows = run(doc([good(1), item]));
      expect(rows[0]).toHaveProperty('secret');
      expect(rows[1]).toEqual({ row: 2, error: 'item must be an object' });
    });

    it('reports every wrong field of a row, and still no value', () => {
      const rows = run(
        doc([{ ...good(1), name: 1, login: { uris: [{ uri: 7 }], password: 2 }, fields: 'x' }]),
      );
      const row = rows[0] as { error: string };
      expect(row.error.split('; ').sort()).toEqual([
        'fields must be an array',
        'login.password must be a string',
        'login.uris[0].uri must be a string',
        'name must be a string',
      ]);
    });

    it('still names the field for a value the vault refuses (too long), without the value', () => {
      const rows = run(doc([{ ...good(1), login: { password: `${SECRET}${'x'.repeat(5000)}` } }]));
      expect(rows[0]).toEqual({ row: 1, error: 'password must be at most 4096 characters' });
    });
  });

  describe('a malformed document is a 400 naming the field', () => {
    it.each([
      ['folders: [1]', doc([good(1)], { folders: [1] }), 'content.folders[0]', 'must be an object'],
      ['folders: ["…"]', doc([good(1)], { folders: [SECRET] }), 'content.folders[0]', 'must be an object'],
      [
        'folders[].id a number',
        doc([], { folders: [{ id: 1, name: 'F' }] }),
        'content.folders[0].id',
        'must be a string',
      ],
      [
        'folders[].name null',
        doc([], { folders: [{ id: 'f', name: null }] }),
        'content.folders[0].name',
        'must be a string',
      ],
      ['folders: "…"', doc([], { folders: SECRET }), 'content.folders', 'must be an array'],
      ['items: "…"', JSON.stringify({ items: SECRET }), 'content.items', 'must be an array'],
      ['no items', JSON.stringify({ folders: [] }), 'content.items', 'is required'],
      ['an array', JSON.stringify([good(1)]), 'content', 'must be an object'],
      ['null', 'null', 'content', 'must be an object'],
      ['a string', JSON.stringify(SECRET), 'content', 'must be an object'],
    ])('%s', (_, content, path, message) => {
      const err = validationError(content);
      expect(err.status).toBe(400);
      expect(err.code).toBe('validation_failed');
      expect(err.errors).toContainEqual({ path, message });
      expect(err.message).toContain(path.replace(/^content\.?/, '') || 'content');
      expect(JSON.stringify({ m: err.message, e: err.errors })).not.toContain(SECRET);
    });

    it('refuses an encrypted export', () => {
      const err = validationError(JSON.stringify({ encrypted: true, data: SECRET }));
      expect(err.errors).toEqual([
        { path: 'content.encrypted', message: 'must be false: export unencrypted' },
      ]);
    });

    it('refuses text that is not JSON without quoting it', () => {
      const err = validationError(`{"items": [${SECRET}`);
      expect(err.errors).toEqual([{ path: 'content', message: 'is not JSON' }]);
      expect(err.message).not.toContain(SECRET);
    });

    it('answers without a stack overflow for deeply nested JSON, reporting the deep key', () => {
      const deep = `{"items":[{"name":"n","x":${'['.repeat(5000)}${']'.repeat(5000)}}]}`;
      const rows = run(deep);
      expect(rows[0]).toMatchObject({ row: 1, secret: { name: 'n' }, warning: { fields: ['x'] } });
    });
  });

  describe('a value the vault has no place for is reported, never dropped silently', () => {
    const warning = (rows: ImportRow[], i = 0) => {
      const row = rows[i];
      if (row === undefined || 'error' in row) throw new Error('expected a secret');
      return row.warning;
    };
    const fields = (rows: ImportRow[], i = 0) => warning(rows, i)?.fields;

    it('imports a plain login and secure note without a warning', () => {
      const rows = run(
        doc([
          {
            ...good(1),
            favorite: false,
            reprompt: 0,
            passwordHistory: null,
            fields: [],
            collectionIds: null,
          },
          { type: 2, name: 'Note', notes: 'text', secureNote: { type: 0 }, login: null },
        ]),
      );
      expect(rows.map((r) => ('warning' in r ? r.warning : undefined))).toEqual([undefined, undefined]);
    });

    it('imports a TOTP secret into totp, with no warning', () => {
      const rows = run(doc([{ ...good(1), login: { ...good(1).login, totp: `otpauth://totp/${SECRET}` } }]));
      expect(rows[0]).toMatchObject({ secret: { totp: `otpauth://totp/${SECRET}` } });
      expect(fields(rows)).toBeUndefined();
    });

    it('keeps every URI with its match rule (Bitwarden numbers), none glued together', () => {
      const rows = run(
        doc([
          {
            ...good(1),
            login: {
              uris: [{ uri: null }, { uri: 'https://a.example' }, { uri: 'https://b.example', match: 3 }],
            },
          },
        ]),
      );
      expect(rows[0]).toMatchObject({
        secret: { uris: [{ uri: 'https://a.example' }, { uri: 'https://b.example', match: 'exact' }] },
      });
      expect(fields(rows)).toBeUndefined();
    });

    it('keeps custom fields (hidden, linked) beside the tags field', () => {
      const rows = run(
        doc([
          {
            ...good(1),
            fields: [
              { name: 'PIN-name', value: SECRET, type: 1, linkedId: null },
              { name: 'tags', value: 'work, home', type: 0, linkedId: null },
              { name: 'Linked', value: null, type: 3, linkedId: 100 },
            ],
          },
        ]),
      );
      expect(rows[0]).toMatchObject({
        secret: {
          tags: ['work', 'home'],
          fields: [
            { name: 'PIN-name', value: SECRET, type: 'hidden' },
            { name: 'Linked', type: 'linked', linked: 'username' },
          ],
        },
      });
      expect(fields(rows)).toBeUndefined();
    });

    it('keeps password history and favourite; reports passkeys, re-prompt, collections and an unknown folder', () => {
      const rows = run(
        doc([
          {
            ...good(1),
            folderId: 'gone',
            favorite: true,
            reprompt: 1,
            collectionIds: ['c1'],
            passwordHistory: [{ lastUsedDate: '2024-01-01T00:00:00Z', password: SECRET }],
            login: {
              ...good(1).login,
              fido2Credentials: [{ credentialId: 'x' }],
              passwordRevisionDate: null,
            },
          },
        ]),
      );
      expect(rows[0]).toMatchObject({
        secret: {
          favorite: true,
          passwordHistory: [{ lastUsedDate: '2024-01-01T00:00:00Z', password: SECRET }],
        },
      });
      expect(fields(rows)).toEqual(['collectionIds', 'folderId', 'login.fido2Credentials', 'reprompt']);
      expect(JSON.stringify(warning(rows))).not.toContain(SECRET);
    });

    it('reports a key it has never heard of when it carries data', () => {
      const rows = run(doc([{ ...good(1), futureThing: { a: SECRET, b: null }, emptyThing: { a: null } }]));
      expect(fields(rows)).toEqual(['futureThing.a']);
    });

    it('reports a "__proto__" member by name, and reads nothing from it', () => {
      const content = `{"items":[{"name":"n","__proto__":{"fields":"oops","login":{"password":"${SECRET}"}}}]}`;
      const rows = run(content);
      expect(rows).toEqual([
        {
          row: 1,
          secret: { type: 'login', name: 'n' },
          warning: expect.objectContaining({ fields: ['__proto__.fields', '__proto__.login'] }),
        },
      ]);
      expect(({} as Record<string, unknown>).fields).toBeUndefined();
    });

    it.each([
      [
        3,
        'card',
        { card: { cardholderName: 'J', brand: 'visa', number: SECRET, expMonth: null, code: '123' } },
      ],
      [4, 'identity', { identity: { firstName: 'J', ssn: SECRET, address1: null } }],
      [
        5,
        'sshKey',
        { sshKey: { privateKey: SECRET, publicKey: 'ssh-ed25519 AAAA', keyFingerprint: 'SHA256:x' } },
      ],
    ])('imports a type %i item as a %s with every member that holds data', (type, name, patch) => {
      const rows = run(doc([{ type, name: 'Thing', notes: 'n', ...patch }]));
      const section = Object.values(patch)[0] as Record<string, unknown>;
      const kept = Object.fromEntries(
        Object.entries(section).filter(([k, v]) => v !== null && k !== 'keyFingerprint'),
      );
      expect(rows[0]).toEqual({ row: 1, secret: { type: name, name: 'Thing', notes: 'n', [name]: kept } });
    });

    it('refuses a type 6 item (a bank account) as that row’s error, listing the fields it would lose', () => {
      const rows = run(doc([good(1), { type: 6, name: 'Thing', bankAccount: { accountNumber: SECRET } }]));
      expect(rows[0]).toHaveProperty('secret');
      const row = rows[1] as { error: string };
      expect(row.error).toBe(
        'is a bank account item, which kmsvault cannot hold yet; it would lose bankAccount.accountNumber',
      );
      expect(row.error).not.toContain(SECRET);
    });

    it('imports the hand-written full export fixture: every item, with nothing to report', () => {
      const content = readFileSync(join(__dirname, 'fixtures', 'bitwarden-full.json'), 'utf8');
      const rows = run(content);
      expect(rows.map((r) => ('secret' in r ? r.secret.type : r.error))).toEqual([
        'login',
        'note',
        'card',
        'identity',
      ]);
      expect(rows.filter((r) => 'warning' in r)).toEqual([]);
      expect(rows[0]).toMatchObject({
        secret: {
          name: 'Mastodon',
          uris: [
            { uri: 'https://mastodon.example/login' },
            expect.objectContaining({ uri: expect.any(String) }),
          ],
          username: 'me@example.com',
          password: 'correct horse battery staple',
          folder: 'Social',
          tags: ['social', 'fun'],
          totp: expect.any(String),
          passwordHistory: [expect.objectContaining({ password: expect.any(String) })],
        },
      });
    });
  });
});

describe('an organisation’s export (pass-import’s bitwarden-org.json)', () => {
  it('makes each item’s collection its folder, and reports nothing about collections', () => {
    const content = readFileSync(join(__dirname, 'fixtures', 'pass-import', 'bitwarden-org.json'), 'utf8');
    const doc = JSON.parse(content) as {
      collections: { id: string; name: string }[];
      items: { collectionIds: string[] }[];
    };
    const names = new Map(doc.collections.map((c) => [c.id, c.name]));
    const rows = parseImport(undefined, content);
    expect(rows).toHaveLength(doc.items.length);
    rows.forEach((row, i) => {
      if (!('secret' in row)) throw new Error(`row ${row.row} failed: ${row.error}`);
      expect(row.secret.folder).toBe(names.get(doc.items[i]?.collectionIds[0] ?? ''));
      expect(row.warning?.fields ?? []).not.toContain('collectionIds');
    });
  });

  it('keeps every collection of an item in several, the first as its folder', () => {
    const content = JSON.stringify({
      encrypted: false,
      collections: [
        { id: 'c1', name: 'Team A' },
        { id: 'c2', name: 'Team B' },
      ],
      items: [{ type: 2, name: 'Shared', notes: 'n', collectionIds: ['c1', 'c2'] }],
    });
    expect(parseImport('bitwarden-json', content)[0]).toMatchObject({
      secret: { folder: 'Team A', fields: [{ name: 'collections', value: 'Team A, Team B', type: 'text' }] },
    });
  });
});
