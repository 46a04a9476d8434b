import * as z from 'zod';
import { BITWARDEN_CSV_COLUMNS } from '../export/bitwarden-csv';
import { passwordHistoryEntrySchema } from '../item-model';
import { prune, splitTags } from './candidate';
import { restoreCell } from './csv-safety';
import { readCsv } from './csv-table';
import { describeIssues } from './issues';
import { extraColumnFields } from './mapped-csv';
import type { RowCandidate } from './types';

const REQUIRED = ['name', 'login_uri', 'login_username', 'login_password'] as const;
/** An organisation's export has `collections` where a personal one has `folder` (and no `favorite`). */
const COLUMNS = [...BITWARDEN_CSV_COLUMNS, 'collections'] as const;
const KNOWN: ReadonlySet<string> = new Set(COLUMNS);

const cell = z.string().optional();

/** One row of Bitwarden's CSV, cells already unescaped; `type` lower-cased. */
export const bitwardenCsvRowSchema = z.object({
  folder: cell,
  collections: cell,
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

/**
 * A field line's name that says its value is a secret: such a field is
 * kept hidden (masked, never searched). Bitwarden's CSV says nothing of a
 * field's kind, and our own export writes cards' numbers and codes there.
 */
const SECRET_NAME = /pass|pin|code|cvv|secret|number|ssn|key|token/i;

/** Our CSV export's line for one entry of the password history (export/bitwarden-csv.ts). */
const HISTORY_LINE = /^password history \(until ([^)]*)\): (.*)$/;

interface FieldLines {
  tags?: string[];
  fields: { name: string; value: string; type: 'text' | 'hidden' }[];
  passwordHistory: { password: string; lastUsedDate: string }[];
}

/**
 * `fields` is one `name: value` line per custom field (Bitwarden writes them
 * so). The first `tags:` line is the tags, a `password history (until
 * DATE): value` line an entry of the password history; every other line is
 * a custom field (a line without `: ` one named `field N`), hidden when its
 * name says it is a secret. No line is dropped.
 */
function readFieldLines(value: string | undefined): FieldLines {
  const out: FieldLines = { fields: [], passwordHistory: [] };
  const lines = (value ?? '').split(/\r\n|\r|\n/);
  const tagsAt = lines.findIndex((l) => l === 'tags:' || l.startsWith('tags: '));
  out.tags = splitTags(lines[tagsAt]?.slice('tags:'.length));
  lines.forEach((line, i) => {
    if (i === tagsAt || line.trim() === '') return;
    const history = passwordHistoryEntrySchema.safeParse({
      lastUsedDate: HISTORY_LINE.exec(line)?.[1],
      password: HISTORY_LINE.exec(line)?.[2],
    });
    if (history.success) {
      out.passwordHistory.push(history.data);
      return;
    }
    const at = line.indexOf(': ');
    const name = at > 0 ? line.slice(0, at) : `field ${i + 1}`;
    const fieldValue = at > 0 ? line.slice(at + 2) : line;
    out.fields.push({ name, value: fieldValue, type: SECRET_NAME.test(name) ? 'hidden' : 'text' });
  });
  return out;
}

/** A piece of `login_uri` that is a URI on its own: an absolute URI, or a host name. */
const URI_PIECE = /^(?:[a-z][a-z0-9+.-]*:\S+|[^\s/:,]+\.[^\s,]+)$/i;

/**
 * `login_uri` holds every URI, comma-separated, as Bitwarden writes several.
 * A URI may hold commas itself (`?ids=1,2`), so the cell is split only when
 * every piece is a URI on its own; otherwise it is one URI, as written.
 */
function readUris(value: string | undefined): { uri: string }[] | undefined {
  if (value === undefined || value === '') return undefined;
  const pieces = value.split(',').map((u) => u.trim());
  const several = pieces.length > 1 && pieces.every((p) => URI_PIECE.test(p));
  return (several ? pieces : [value]).map((uri) => ({ uri }));
}

/**
 * Bitwarden's CSV export (and ours), personal or an organisation's, row by
 * row. Every cell is unescaped with {@link restoreCell}, undoing the
 * export's CSV-injection escape. Nothing is dropped: `favorite` and
 * `login_totp` map to ours, every URI is kept, `fields` lines become custom
 * fields (and tags, and password history), the first of an organisation's
 * `collections` is the folder (several are also kept in a `collections`
 * field), re-prompt is kept as a field (kmsvault has no such setting), and
 * any other column as a custom text field. `type` must be login or note.
 */
export function bitwardenCsvRows(content: string): RowCandidate[] {
  const table = readCsv(content, 'bitwarden-csv', REQUIRED);
  return table.rows.map((csvRow): RowCandidate => {
    const { row, cells } = csvRow;
    const raw: Record<string, string | undefined> = {};
    for (const column of COLUMNS) {
      const value = cells.get(column);
      raw[column] = value === undefined ? undefined : restoreCell(value);
    }
    raw.type = raw.type?.trim().toLowerCase();
    const parsed = bitwardenCsvRowSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) return { row, error: describeIssues(parsed.error.issues, 'row') };
    const r = parsed.data;
    const lines = readFieldLines(r.fields);
    const collections = splitTags(r.collections) ?? [];
    const folder = r.folder || collections[0];
    const placeField =
      collections.length > 1 || (collections.length === 1 && folder !== collections[0])
        ? [{ name: 'collections', value: collections.join(', '), type: 'text' as const }]
        : [];
    const reprompt = isSet(r.reprompt)
      ? [{ name: 'reprompt', value: r.reprompt ?? '', type: 'text' as const }]
      : [];
    const extra = extraColumnFields(csvRow, KNOWN, restoreCell);
    const fields = [...lines.fields, ...placeField, ...reprompt, ...extra.fields];
    const login = r.type !== 'note';
    // Bitwarden writes login cells for logins only; a note's would have nowhere to go.
    const loginCells = ['login_uri', 'login_username', 'login_password', 'login_totp'] as const;
    const stray = login ? [] : loginCells.filter((c) => r[c]);
    return {
      row,
      dropped: stray,
      kept: extra.kept,
      candidate: prune({
        type: login ? 'login' : 'note',
        name: r.name,
        notes: r.notes,
        folder,
        tags: lines.tags,
        favorite: isSet(r.favorite) ? true : undefined,
        fields: fields.length > 0 ? fields : undefined,
        passwordHistory: lines.passwordHistory.length > 0 ? lines.passwordHistory : undefined,
        ...(login
          ? {
              uris: readUris(r.login_uri),
              username: r.login_username,
              password: r.login_password,
              totp: r.login_totp,
            }
          : {}),
      }),
    };
  });
}
