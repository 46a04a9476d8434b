import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../import/csv-safety';
import type { Secret } from '../secret-schema';

/** Bitwarden's CSV columns, in its order. */
export const BITWARDEN_CSV_COLUMNS = [
  'folder',
  'favorite',
  'type',
  'name',
  'notes',
  'fields',
  'reprompt',
  'login_uri',
  'login_username',
  'login_password',
  'login_totp',
] as const;

type Column = (typeof BITWARDEN_CSV_COLUMNS)[number];

/**
 * Bitwarden's CSV, safe to open in a spreadsheet: every cell goes through
 * {@link neutraliseCell} (a formula is written as text, `'=…`), which the
 * bitwarden-csv import undoes exactly. Tags are one `tags: a,b` line in
 * `fields`, as Bitwarden writes a custom field.
 */
export function exportCsv(secrets: readonly Secret[]): string {
  const rows = secrets.map((s): Record<Column, string> => {
    const row: Record<Column, string> = {
      folder: s.folder ?? '',
      favorite: '',
      type: 'login',
      name: s.name,
      notes: s.notes ?? '',
      fields: s.tags.length > 0 ? `tags: ${s.tags.join(',')}` : '',
      reprompt: '0',
      login_uri: s.url ?? '',
      login_username: s.username ?? '',
      login_password: s.password ?? '',
      login_totp: '',
    };
    for (const column of BITWARDEN_CSV_COLUMNS) row[column] = neutraliseCell(row[column]);
    return row;
  });
  return stringify(rows, { header: true, columns: [...BITWARDEN_CSV_COLUMNS] });
}
