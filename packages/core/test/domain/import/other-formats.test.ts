import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../src/domain/errors';
import { detectFormat, exportJson, type ImportFormat, parseImport } from '../../../src/domain/import-export';
import { clean, secretOf } from '../../../src/domain/secret-records';
import type { SecretInput } from '../../../src/domain/secret-schema';

const FIXTURES = join(__dirname, 'fixtures');
const read = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');

/** What the vault would store and export of an import's rows. */
function exported(
  format: ImportFormat | undefined,
  content: string,
): { json: string; inputs: SecretInput[] } {
  const rows = parseImport(format, content);
  expect(rows.filter((r) => 'error' in r)).toEqual([]);
  const inputs = rows.flatMap((r) => ('secret' in r ? [r.secret] : []));
  const secrets = inputs.map((input, i) =>
    secretOf({ id: `id-${i}`, version: 1, createdAt: 'c', updatedAt: 'u', ...clean(input) }),
  );
  return { json: exportJson(secrets), inputs };
}

/**
 * Every non-empty value of a CSV file with its column, by a parse independent
 * of the importers'. A cell that holds several values is split the way its
 * format writes them: Bitwarden's `fields` into each line's name and value,
 * its `login_uri` and `collections` at commas.
 */
function cells(content: string): { column: string; value: string }[] {
  const { parse } = require('csv-parse/sync') as typeof import('csv-parse/sync');
  const [header = [], ...rows] = parse(content, { bom: true, relax_column_count: true }) as string[][];
  const pieces = (column: string, value: string): string[] => {
    if (column === 'fields')
      return value
        .split('\n')
        .flatMap((line) => line.split(': '))
        .filter(Boolean);
    if (column === 'login_uri' || column === 'collections') return value.split(',');
    return [value];
  };
  return rows.flatMap((row) =>
    row.flatMap((value, i) =>
      value ? pieces(header[i] ?? '', value).map((piece) => ({ column: header[i] ?? '', value: piece })) : [],
    ),
  );
}

describe.each<[string, ImportFormat, string[]]>([
  // file, its format, the columns that are the exporter's bookkeeping (not the person's data)
  ['pass-import/lastpass.csv', 'lastpass-csv', ['fav']],
  ['pass-import/firefox.csv', 'firefox-csv', ['guid', 'timeCreated', 'timeLastUsed', 'timePasswordChanged']],
  ['pass-import/keepassx2.csv', 'keepassxc-csv', []],
  ['pass-import/1password8.csv', '1password-csv', ['Favorite', 'Archived']],
  ['pass-import/1password.csv', '1password-old-csv', ['ainfo', 'autosubmit']],
  ['pass-import/chrome.csv', 'chrome-csv', []],
  ['pass-import/bitwarden.csv', 'bitwarden-csv', ['favorite', 'type']],
  ['pass-import/bitwarden-other.csv', 'bitwarden-csv', ['favorite', 'type']],
  ['pass-import/bitwarden-org.csv', 'bitwarden-csv', ['type']],
  ['safari.csv', 'safari-csv', []],
])('%s, a real export', (file, format, bookkeeping) => {
  it(`is detected as ${format} from its header`, () => {
    expect(detectFormat(read(file))).toBe(format);
  });

  it('imports every row, and every non-empty cell of the person’s data is in the Bitwarden JSON export', () => {
    const content = read(file);
    const { json, inputs } = exported(undefined, content);
    const { parse } = require('csv-parse/sync') as typeof import('csv-parse/sync');
    expect(inputs.length).toBe(
      (parse(content, { bom: true, relax_column_count: true }) as unknown[]).length - 1,
    );
    const lost = cells(content)
      .filter((c) => !bookkeeping.includes(c.column))
      // a folder path loses KeePass's root group, by design
      .filter((c) => !(c.column === 'Group' && c.value === 'Root'))
      // values are kept trimmed (the vault trims what it stores)
      .filter((c) => !json.includes(JSON.stringify(c.value.trim().replace(/^Root\//, '')).slice(1, -1)))
      .map((c) => c.column);
    expect(lost).toEqual([]);
  });
});

describe('format detection and the formats’ own rules', () => {
  it('takes LastPass for LastPass, not Chrome, and keeps its extra column as notes and sn rows as notes', () => {
    const csv =
      'url,username,password,totp,extra,name,grouping,fav\nhttp://sn,,,,the note text,Wi-Fi,Home,1\nhttps://a.example,al,pw,JBSWY3DP,remember,A,Web,0\n';
    expect(detectFormat(csv)).toBe('lastpass-csv');
    const rows = parseImport(undefined, csv);
    expect(rows.map((r) => ('secret' in r ? r.secret : r))).toEqual([
      { type: 'note', name: 'Wi-Fi', notes: 'the note text', folder: 'Home', favorite: true },
      {
        type: 'login',
        name: 'A',
        url: 'https://a.example',
        username: 'al',
        password: 'pw',
        totp: 'JBSWY3DP',
        notes: 'remember',
        folder: 'Web',
      },
    ]);
  });

  it('keeps a column no format reads as a custom field, never drops it', () => {
    const csv = 'name,url,username,password,note,security question\nA,https://a.example,al,pw,,first pet\n';
    const [row] = parseImport('chrome-csv', csv);
    expect(row).toMatchObject({
      secret: { name: 'A', fields: [{ name: 'security question', value: 'first pet', type: 'text' }] },
      mapped: { row: 1, fields: ['security question'] },
    });
    const firefox =
      'url,username,password,httpRealm,formActionOrigin,guid,security question\nhttps://a.example,al,pw,,,{g},first pet\n';
    expect(parseImport('firefox-csv', firefox)[0]).toMatchObject({
      secret: { fields: [{ name: 'security question', value: 'first pet', type: 'text' }] },
    });
  });

  it.each([
    ['<?xml version="1.0"?><html><body/></html>', /XML, but not a KeePass export/],
    ['a,b,c\n1,2,3\n', /No import format has these columns: a, b, c/],
  ])('refuses %j, naming what it saw and never a cell', (content, message) => {
    expect(() => detectFormat(content)).toThrow(ValidationError);
    expect(() => detectFormat(content)).toThrow(message);
  });
});
