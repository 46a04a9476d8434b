import * as z from 'zod';
import { bitwardenCsvRows } from './import/bitwarden-csv';
import { bitwardenJsonRows } from './import/bitwarden-json';
import { chromeCsvRows } from './import/chrome-csv';
import { detectFormat, IMPORT_FORMATS, type ImportFormat } from './import/detect';
import { droppedWarning } from './import/dropped';
import { describeIssues } from './import/issues';
import { mappedCsvRows } from './import/mapped-csv';
import { FIREFOX_CSV, KEEPASSXC_CSV, LASTPASS_CSV, ONEPASSWORD_CSV } from './import/other-csv';
import type { ImportRow, RowCandidate } from './import/types';
import { secretInputSchema } from './secret-schema';

export { exportCsv } from './export/bitwarden-csv';
export { exportJson } from './export/bitwarden-json';
export { CELL_ESCAPE, FORMULA_TRIGGERS, neutraliseCell, restoreCell } from './import/csv-safety';
export { detectFormat, IMPORT_FORMATS, type ImportFormat } from './import/detect';
export type { ImportRow, ImportWarning } from './import/types';

export const importRequestSchema = z
  .object({
    /** @default detected from the content */
    format: z.enum(IMPORT_FORMATS).optional(),
    content: z.string().min(1).max(250_000),
  })
  .strict();

export const importResponseSchema = z.object({
  imported: z.number().int(),
  failed: z.number().int(),
  /** Rows that did not land: the row number and what is wrong, naming the field, never its value. */
  errors: z.array(z.object({ row: z.number().int(), message: z.string() })),
  /** Rows that landed without some of their values: the fields or columns left out, never their values. */
  warnings: z.array(z.object({ row: z.number().int(), fields: z.array(z.string()), message: z.string() })),
  ids: z.array(z.string()),
});

const IMPORTERS: Readonly<Record<ImportFormat, (content: string) => RowCandidate[]>> = {
  'bitwarden-json': bitwardenJsonRows,
  'bitwarden-csv': bitwardenCsvRows,
  'chrome-csv': chromeCsvRows,
  'lastpass-csv': (content) => mappedCsvRows(LASTPASS_CSV, content),
  'firefox-csv': (content) => mappedCsvRows(FIREFOX_CSV, content),
  'keepassxc-csv': (content) => mappedCsvRows(KEEPASSXC_CSV, content),
  '1password-csv': (content) => mappedCsvRows(ONEPASSWORD_CSV, content),
};

/**
 * Parses an export of Bitwarden (unencrypted JSON or CSV), Chrome/Edge/
 * Brave, LastPass, Firefox, KeePassXC or 1Password 8 (CSV) into secrets, row
 * by row; without a format, the content says which (detect.ts). A document whose overall shape is wrong throws
 * a ValidationError (400) naming the member or column; a wrong row is that
 * row's error; a row that lands without some of its values carries a
 * warning naming them. No message ever holds a value from the file.
 */
export function parseImport(format: ImportFormat | undefined, content: string): ImportRow[] {
  return IMPORTERS[format ?? detectFormat(content)](content).map((c): ImportRow => {
    if ('error' in c) return c;
    const result = secretInputSchema.safeParse(c.candidate, { reportInput: true });
    if (!result.success) return { row: c.row, error: describeIssues(result.error.issues, 'row') };
    const warning = droppedWarning(c.row, c.dropped);
    return warning === undefined
      ? { row: c.row, secret: result.data }
      : { row: c.row, secret: result.data, warning };
  });
}
