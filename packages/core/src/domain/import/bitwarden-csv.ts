import * as z from 'zod';
import { BITWARDEN_CSV_COLUMNS } from '../export/bitwarden-csv';
import { prune, splitTags } from './candidate';
import { restoreCell } from './csv-safety';
import { readCsv, unknownCells } from './csv-table';
import { describeIssues } from './issues';
import type { RowCandidate } from './types';

const REQUIRED = ['name', 'login_uri', 'login_username', 'login_password'] as const;
const KNOWN: ReadonlySet<string> = new Set(BITWARDEN_CSV_COLUMNS);

const cell = z.string().optional();

/** One row of Bitwarden's CSV, cells already unescaped; `type` lower-cased. */
export const bitwardenCsvRowSchema = z.object({
  folder: cell,
  favorite: cell,
  type: z.enum(['', 'login', 'note'], { error: 'must be login or note' }).optional(),
  name: cell,
  notes: cell,
  fields: cell,
  reprompt: cell,
  login_uri: cell,
  login_username: cell,
  login_password: cell,
  login_totp: cell,
});

/** A flag column holds data when it is neither empty nor `0`. */
const isSet = (value: string | undefined) =>
  value !== undefined && value.trim() !== '' && value.trim() !== '0';

/** `fields` is one `name: value` line per custom field; the first `tags` line becomes the tags. */
function readFields(value: string | undefined): { tags?: string[]; dropped: string[] } {
  const lines = (value ?? '').split(/\r\n|\r|\n/);
  const tagsAt = lines.findIndex((l) => l === 'tags:' || l.startsWith('tags: '));
  const dropped = lines.flatMap((l, i) => (i !== tagsAt && l.trim() !== '' ? [`fields[${i}]`] : []));
  return { tags: splitTags(lines[tagsAt]?.slice('tags:'.length)), dropped };
}

/**
 * Bitwarden's CSV export (and ours), row by row. Every cell is unescaped
 * with {@link restoreCell}, undoing the export's CSV-injection escape. A
 * column or cell the vault has no place for (TOTP, custom fields beside
 * tags, favourite, re-prompt, an organisation's collections, anything
 * unknown) is reported by name; `type` must be login or note.
 */
export function bitwardenCsvRows(content: string): RowCandidate[] {
  const table = readCsv(content, 'bitwarden-csv', REQUIRED);
  return table.rows.map(({ row, cells, unnamed }): RowCandidate => {
    const raw: Record<string, string | undefined> = {};
    for (const column of BITWARDEN_CSV_COLUMNS) {
      const value = cells.get(column);
      raw[column] = value === undefined ? undefined : restoreCell(value);
    }
    raw.type = raw.type?.trim().toLowerCase();
    const parsed = bitwardenCsvRowSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) return { row, error: describeIssues(parsed.error.issues, 'row') };
    const r = parsed.data;
    const { tags, dropped: fieldDropped } = readFields(r.fields);
    const dropped = [
      ...unknownCells({ row, cells, unnamed }, KNOWN),
      ...(isSet(r.favorite) ? ['favorite'] : []),
      ...(isSet(r.reprompt) ? ['reprompt'] : []),
      ...(r.login_totp ? ['login_totp'] : []),
      ...fieldDropped,
    ];
    return {
      row,
      dropped,
      candidate: prune({
        name: r.name,
        url: r.login_uri,
        username: r.login_username,
        password: r.login_password,
        notes: r.notes,
        folder: r.folder,
        tags,
      }),
    };
  });
}
