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
            folder: 'Work',
            name: '=HYPERLINK(1)',
            tags: ['dev', 'ops'],
            url: 'https://x.example',
            username: '-me',
            password: "'=pw",
          },
        },
        { row: 2, secret: { name: 'Note', notes: 'line 1\nline 2' } },
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

  describe('a value the vault has no place for is reported, never dropped silently', () => {
    it('reports a TOTP secret by its column, never its value', () => {
      const rows = parseImport('bitwarden-csv', csv(`,,login,n,,,0,,,,otpauth://totp/${SECRET}`));
      expect(warned(rows)).toEqual(['login_totp']);
      expect(JSON.stringify(rows)).not.toContain(SECRET);
    });

    it('reports custom fields beside tags by line, not by name or value', () => {
      const rows = parseImport(
        'bitwarden-csv',
        csv(`,,login,n,,"PIN-name: ${SECRET}\ntags: a,b\n\nQ: A",0,,,,`),
      );
      expect(rows[0]).toMatchObject({ secret: { tags: ['a', 'b'] } });
      expect(warned(rows)).toEqual(['fields[0]', 'fields[3]']);
      expect(JSON.stringify(rows)).not.toMatch(/PIN-name|SECRET-VALUE/);
    });

    it('reports favourite and re-prompt when set', () => {
      const rows = parseImport('bitwarden-csv', csv(',1,login,n,,,1,,,,', ',0,login,m,,,0,,,,'));
      expect(warned(rows, 0)).toEqual(['favorite', 'reprompt']);
      expect(warned(rows, 1)).toBeUndefined();
    });

    it('reports a column it does not know when the row has a value there (an organisation export)', () => {
      const header = HEADER.replace('folder', 'collections');
      const rows = parseImport(
        'bitwarden-csv',
        `${header}\n"Team A,Team B",,login,n,,,0,,,,\n,,login,m,,,0,,,,`,
      );
      expect(warned(rows, 0)).toEqual(['collections']);
      expect(warned(rows, 1)).toBeUndefined();
    });

    it('reports cells beyond the header by position', () => {
      const rows = parseImport('bitwarden-csv', csv(`,,login,n,,,0,,,,,${SECRET},`));
      expect(warned(rows)).toEqual(['column 12']);
      expect(JSON.stringify(rows)).not.toContain(SECRET);
    });
  });
});
