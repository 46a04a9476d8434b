import * as z from 'zod';
import { ValidationError } from './errors';
import { bitwardenCsvRows } from './import/bitwarden-csv';
import { bitwardenJsonRows } from './import/bitwarden-json';
import { openProtectedExport, ProtectedExportError, protectionOf } from './import/bitwarden-protected';
import { detectFormat } from './import/detect';
import { droppedWarning, keptNote } from './import/dropped';
import { IMPORT_FORMATS, type ImportFormat } from './import/formats';
import { describeIssues } from './import/issues';
import { keepassXmlRows } from './import/keepass-xml';
import { mappedCsvRows } from './import/mapped-csv';
import {
  CHROME_CSV,
  FIREFOX_CSV,
  KEEPASSXC_CSV,
  LASTPASS_CSV,
  ONEPASSWORD_CSV,
  ONEPASSWORD_OLD_CSV,
  SAFARI_CSV,
} from './import/other-csv';
import type { ImportRow, RowCandidate } from './import/types';
import { secretInputSchema } from './secret-schema';

export { exportCsv } from './export/bitwarden-csv';
export { exportJson } from './export/bitwarden-json';
export { CELL_ESCAPE, FORMULA_TRIGGERS, neutraliseCell, restoreCell } from './import/csv-safety';
export { detectFormat } from './import/detect';
export type { ImportFormat } from './import/formats';
export type { ImportRow, ImportWarning } from './import/types';
// The formats, decoding, cutting and password-protected files are also the clients': exported by ../client.

export const importRequestSchema = z
  .object({
    /** @default detected from the content */
    format: z.enum(IMPORT_FORMATS).optional(),
    content: z.string().min(1).max(250_000),
    /** The password of a password-protected Bitwarden export (never stored, never logged). */
    password: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const importResponseSchema = z.object({
  imported: z.number().int(),
  failed: z.number().int(),
  /** Rows left out because the vault holds the same item already (an import is idempotent per item). */
  skipped: z.number().int(),
  /** Rows that did not land: the row number and what is wrong, naming the field, never its value. */
  errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
  /** Rows that landed without some of their values: the fields or columns left out, never their values. */
  warnings: z.array(z.object({ row: z.number().int(), fields: z.array(z.string()), message: z.string() })),
  /** Rows whose columns (or members) with no field of ours were kept as custom fields, named. */
  mapped: z.array(z.object({ row: z.number().int(), fields: z.array(z.string()), message: z.string() })),
  /**
   * The skipped rows: `present` (the vault holds the same item), `trash` (it
   * is in the trash: restore it from there) or `repeated` (an earlier row of
   * this request is the same item), with the id of the item that is there.
   */
  skippedRows: z.array(
    z.object({ row: z.number().int(), id: z.string(), reason: z.enum(['present', 'trash', 'repeated']) }),
  ),
  ids: z.array(z.string()),
});

const IMPORTERS: Readonly<Record<ImportFormat, (content: string) => RowCandidate[]>> = {
  'bitwarden-json': bitwardenJsonRows,
  'bitwarden-csv': bitwardenCsvRows,
  'chrome-csv': (content) => mappedCsvRows(CHROME_CSV, content),
  'safari-csv': (content) => mappedCsvRows(SAFARI_CSV, content),
  '1password-old-csv': (content) => mappedCsvRows(ONEPASSWORD_OLD_CSV, content),
  'keepass-xml': keepassXmlRows,
  'lastpass-csv': (content) => mappedCsvRows(LASTPASS_CSV, content),
  'firefox-csv': (content) => mappedCsvRows(FIREFOX_CSV, content),
  'keepassxc-csv': (content) => mappedCsvRows(KEEPASSXC_CSV, content),
  '1password-csv': (content) => mappedCsvRows(ONEPASSWORD_CSV, content),
};

/**
 * Parses an export of Bitwarden (unencrypted JSON or CSV), Chrome/Edge/
 * Brave, Safari, LastPass, Firefox, KeePassXC or 1Password (CSV) into secrets, row
 * by row; without a format, the content says which (detect.ts). A document whose overall shape is wrong throws
 * a ValidationError (400) naming the member or column; a wrong row is that
 * row's error; a row that lands without some of its values carries a
 * warning naming them. No message ever holds a value from the file.
 */
export function parseImport(format: ImportFormat | undefined, content: string): ImportRow[] {
  refuseMisdecoded(content);
  return IMPORTERS[format ?? detectFormat(content)](content).map((c): ImportRow => {
    if ('error' in c) return c;
    const result = secretInputSchema.safeParse(c.candidate, { reportInput: true });
    if (!result.success) return { row: c.row, error: describeIssues(result.error.issues, 'row') };
    const warning = droppedWarning(c.row, c.dropped);
    const mapped = keptNote(c.row, c.kept);
    return {
      row: c.row,
      secret: result.data,
      ...(warning === undefined ? {} : { warning }),
      ...(mapped === undefined ? {} : { mapped }),
    };
  });
}

/**
 * Text that holds U+FFFD was decoded in the wrong encoding before it reached
 * the API (Latin-1 bytes read as UTF-8 become U+FFFD, and the letters they
 * were are gone): refused whole, rather than imported with `ä` lost.
 */
function refuseMisdecoded(content: string): void {
  const at = content.indexOf('\uFFFD');
  if (at < 0) return;
  const line = content.slice(0, at).split('\n').length;
  throw new ValidationError(
    `The file has a character that could not be decoded (U+FFFD) on line ${line}: it was read in the wrong encoding, likely Latin-1 or Windows-1252 read as UTF-8, and letters such as ä were lost. Import it with the kmsvault CLI or web vault, which read such files correctly, or save it as UTF-8 first.`,
    [{ path: 'content', message: 'holds U+FFFD: decoded in the wrong encoding' }],
  );
}

/**
 * The content to import: a password-protected Bitwarden export opened with
 * its password (a 400 naming the problem when it is missing or wrong, or the
 * file is encrypted with a Bitwarden account's key); any other text as it is.
 */
export async function openedContent(content: string, password: string | undefined): Promise<string> {
  if (protectionOf(content) === undefined) return content;
  try {
    return await openProtectedExport(content, password);
  } catch (err) {
    if (!(err instanceof ProtectedExportError)) throw err;
    const path = err.reason === 'password_needed' || err.reason === 'wrong_password' ? 'password' : 'content';
    throw new ValidationError(err.message, [{ path, message: err.reason.replace('_', ' ') }]);
  }
}
