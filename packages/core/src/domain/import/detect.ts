import { ValidationError } from '../errors';
import { readCsv } from './csv-table';
import { IMPORT_FORMATS, type ImportFormat } from './formats';

export { IMPORT_FORMATS, type ImportFormat } from './formats';

/** Each CSV format by the header columns that tell it apart (LastPass before Chrome: both have url, username, password). */
const CSV_SIGNS: readonly [ImportFormat, readonly string[]][] = [
  ['bitwarden-csv', ['login_uri', 'type']],
  ['lastpass-csv', ['extra', 'grouping']],
  ['firefox-csv', ['httpRealm', 'formActionOrigin']],
  ['keepassxc-csv', ['Group', 'Title']],
  ['1password-csv', ['Title', 'Url']],
  ['1password-old-csv', ['Title', 'URL', 'Type']],
  ['safari-csv', ['Title', 'URL', 'Username', 'Password']],
  ['chrome-csv', ['name', 'url', 'username', 'password']],
];

/**
 * The format of an export from its content: JSON is Bitwarden's, XML with a
 * KeePassFile KeePass's; CSV by its header's columns. Other XML and CSV
 * headers no format has are refused, naming what was seen (column names,
 * never a cell).
 */
export function detectFormat(content: string): ImportFormat {
  const start = content.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('{') || start.startsWith('[')) return 'bitwarden-json';
  if (start.startsWith('<')) {
    if (/<KeePassFile[\s/>]/.test(start.slice(0, 4096))) return 'keepass-xml';
    throw new ValidationError('This looks like XML, but not a KeePass export (no KeePassFile element).', [
      { path: 'content', message: 'is XML of no format kmsvault imports' },
    ]);
  }
  const header = new Set(readCsv(content.split(/\r?\n/, 1)[0] ?? '', 'csv', []).header);
  const found = CSV_SIGNS.find(([, columns]) => columns.every((c) => header.has(c)));
  if (found !== undefined) return found[0];
  const seen = [...header].filter(Boolean).slice(0, 12);
  throw new ValidationError(
    `No import format has these columns: ${seen.join(', ') || '(none)'}. Give the format, or export again from one of: ${IMPORT_FORMATS.join(', ')}.`,
    [{ path: 'content', message: 'matches no import format' }],
  );
}
