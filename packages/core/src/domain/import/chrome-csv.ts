import * as z from 'zod';
import { prune } from './candidate';
import { readCsv, unknownCells } from './csv-table';
import { describeIssues } from './issues';
import type { RowCandidate } from './types';

const REQUIRED = ['name', 'url', 'username', 'password'] as const;
const COLUMNS = [...REQUIRED, 'note'] as const;
const KNOWN: ReadonlySet<string> = new Set(COLUMNS);

const cell = z.string().optional();

/** One row of Chrome's password CSV. */
export const chromeCsvRowSchema = z.object({
  name: cell,
  url: cell,
  username: cell,
  password: cell,
  note: cell,
});

/**
 * Chrome's password CSV, row by row; a missing name takes the url. Chrome
 * does not escape formulas, so cells are read as they are (a leading
 * apostrophe stays). Any other column that holds a value is reported by name.
 */
export function chromeCsvRows(content: string): RowCandidate[] {
  const table = readCsv(content, 'chrome-csv', REQUIRED);
  return table.rows.map((csvRow): RowCandidate => {
    const { row, cells } = csvRow;
    const parsed = chromeCsvRowSchema.safeParse(Object.fromEntries(COLUMNS.map((c) => [c, cells.get(c)])), {
      reportInput: true,
    });
    if (!parsed.success) return { row, error: describeIssues(parsed.error.issues, 'row') };
    const r = parsed.data;
    return {
      row,
      dropped: unknownCells(csvRow, KNOWN),
      candidate: prune({
        name: r.name || r.url,
        url: r.url,
        username: r.username,
        password: r.password,
        notes: r.note,
      }),
    };
  });
}
