import { ValidationError } from '../../../src/domain/errors';
import { type ImportRow, parseImport } from '../../../src/domain/import-export';

/** Planted in every value a message could echo. */
const SECRET = 'SECRET-VALUE-7f3a';
const HEADER =
  'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp';

const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

function validationError(content: string): ValidationError {
  try {
    parseImport('bitwarden-csv', content);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const warned = (rows: ImportRow[], i = 0) => {
  const row = rows[i];
  if (row === undefined || 'error' in row) throw new Error('expected a secret');
  return row.warning?.fields;
};

describe('Function: parseImport (bitwarden-csv)', () => {
  describe('a CSV that cannot be read is a 400 that quotes none of it', () => {
    it.each([
      ['a quote inside an unquoted cell', `,,login,n,,,0,https://x.example,u,${SECRET}"x,`, 2],
      ['text after a closing quote', `,,login,n,,,0,https://x.example,u,"${SECRET}"x,`, 2],
      ['a quote never closed', `,,login,n,,,0,https://x.example,u,"${SECRET},`, 2],
    ])('never echoes a cell in a CSV syntax error: %s', (_, row, line) => {
      const err = validationError(csv(row));
      expect(err.status).toBe(400);
      expect(err.message).toContain(`line ${line}`);
      expect(JSON.stringify({ m: err.message, e: err.errors })).not.toContain(SECRET);
      expect(JSON.stringify({ m: err.message, e: err.errors })).not.toContain('"x');
    });

    it('refuses a column named twice (one value would be dropped)', () => {
      const err = validationError(`${HEADER},login_password\n,,login,n,,,0,,,a,,b`);
      expect(err.errors).toEqual([{ path: 'content', message: 'names column login_password twice' }]);
    });

    it('names the columns it misses', () => {
      const err = validationError('folder,name\nF,n');
      expect(err.errors).toEqual([
        { path: 'content', message: 'misses columns login_uri, login_username, login_password' },
      ]);
    });
  });

  describe('rows', () => {
    it('reads a login and a note, giving back values the export escaped', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(
          `Work,,login,'=HYPERLINK(1),,"tags: dev,ops",0,https://x.example,'-me,''=pw,`,
          ',0,note,Note,"line 1\nline 2",,,,,,',
        ),
      );
      expect(rows).toEqual([
        {
          row: 1,
          secret: {
            type: 'login',
            folder: 'Work',
            name: '=HYPERLINK(1)',
            tags: ['dev', 'ops'],
            uris: [{ uri: 'https://x.example' }],
            username: '-me',
            password: "'=pw",
          },
        },
        { row: 2, secret: { type: 'note', name: 'Note', notes: 'line 1\nline 2' } },
      ]);
    });

    it('answers a per-row error for a type it cannot hold, naming the field', () => {
      const rows = parseImport('bitwarden-csv', csv(',,login,a,,,,,,,', `,,${SECRET},b,,,,,,,`));
      expect(rows[0]).toHaveProperty('secret');
      expect(rows[1]).toEqual({ row: 2, error: 'type must be login or note' });
    });

    it('names the field a row fails on, never its value', () => {
      const rows = parseImport('bitwarden-csv', csv(`,,login,,,,,,,${SECRET},`));
      expect(rows).toEqual([{ row: 1, error: 'name is required' }]);
    });
  });

  describe('nothing is dropped: every column maps to ours or is kept as a custom field', () => {
    const secret = (rows: ImportRow[], i = 0) => {
      const row = rows[i];
      if (row === undefined || 'error' in row) throw new Error('expected a secret');
      return row.secret;
    };

    it('keeps the TOTP secret, the favourite and every URI', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(',1,login,n,,,0,"https://a.example,androidapp://com.a",,,otpauth://totp/x?secret=JBSWY3DP'),
      );
      expect(secret(rows)).toMatchObject({
        favorite: true,
        totp: 'otpauth://totp/x?secret=JBSWY3DP',
        uris: [{ uri: 'https://a.example' }, { uri: 'androidapp://com.a' }],
      });
      expect(rows[0]).not.toHaveProperty('warning');
    });

    it('splits login_uri at commas only when every piece is a URI (a URI may hold commas)', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(
          ',,login,a,,,0,"https://a.example,b.example",,,',
          ',,login,b,,,0,"https://a.example/?ids=1,2",,,',
          ',,login,c,,,0,"=HYPERLINK(""https://x.example"",""y"")",,,',
        ),
      );
      expect(rows.map((r) => ('secret' in r ? r.secret.uris : r))).toEqual([
        [{ uri: 'https://a.example' }, { uri: 'b.example' }],
        [{ uri: 'https://a.example/?ids=1,2' }],
        [{ uri: '=HYPERLINK("https://x.example","y")' }],
      ]);
    });

    it('makes each fields line a custom field (hidden when its name says secret), the tags line tags', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(`,,login,n,,"PIN: 1234\ntags: a,b\n\nQ: A\nno colon",0,,,,`),
      );
      expect(secret(rows)).toMatchObject({
        tags: ['a', 'b'],
        fields: [
          { name: 'PIN', value: '1234', type: 'hidden' },
          { name: 'Q', value: 'A', type: 'text' },
          { name: 'field 5', value: 'no colon', type: 'text' },
        ],
      });
    });

    it('reads back the password history our CSV export writes, dated', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(',,login,n,,"password history (until 2026-01-02T03:04:05.000Z): old-pw",0,,,,'),
      );
      expect(secret(rows).passwordHistory).toEqual([
        { password: 'old-pw', lastUsedDate: '2026-01-02T03:04:05.000Z' },
      ]);
    });

    it('keeps re-prompt as a field (kmsvault has no such setting)', () => {
      const rows = parseImport('bitwarden-csv', csv(',,login,n,,,1,,,,', ',0,login,m,,,0,,,,'));
      expect(secret(rows, 0).fields).toEqual([{ name: 'reprompt', value: '1', type: 'text' }]);
      expect(secret(rows, 1)).not.toHaveProperty('fields');
    });

    it('makes an organisation export’s first collection the folder and keeps all of them in a field', () => {
      const header = HEADER.replace('folder', 'collections');
      const rows = parseImport(
        'bitwarden-csv',
        `${header}\n"Team A,Team B",,login,n,,,0,,,,\nOps,,login,m,,,0,,,,`,
      );
      expect(secret(rows, 0)).toMatchObject({
        folder: 'Team A',
        fields: [{ name: 'collections', value: 'Team A, Team B', type: 'text' }],
      });
      expect(secret(rows, 1)).toMatchObject({ folder: 'Ops' });
      expect(secret(rows, 1)).not.toHaveProperty('fields');
    });

    it('keeps a cell beyond the header as a field named by its position, and says so per row', () => {
      const rows = parseImport('bitwarden-csv', csv(`,,login,n,,,0,,,,,${SECRET},`));
      expect(secret(rows).fields).toEqual([{ name: 'column 12', value: SECRET, type: 'text' }]);
      expect(rows[0]).toMatchObject({ mapped: { row: 1, fields: ['column 12'] } });
      expect(JSON.stringify((rows[0] as { mapped: unknown }).mapped)).not.toContain(SECRET);
    });

    it('reports (by column, never value) login cells on a note, which a note cannot hold', () => {
      const rows = parseImport('bitwarden-csv', csv(`,,note,n,,,0,,,${SECRET},`));
      expect(warned(rows)).toEqual(['login_password']);
      expect(JSON.stringify(rows)).not.toContain(SECRET);
    });
  });
});
