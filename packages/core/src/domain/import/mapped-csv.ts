import { prune } from './candidate';
import { readCsv } from './csv-table';
import type { RowCandidate } from './types';

/** A CSV export whose columns map to the item model one by one. */
export interface MappedCsvFormat {
  readonly format: string;
  /** Columns the header must have. */
  readonly required: readonly string[];
  /** Every column `map` reads; any other column that holds a value is kept as a custom text field. */
  readonly columns: readonly string[];
  /**
   * Columns that are the exporter's bookkeeping, not the person's data (ids,
   * timestamps, archive flags): read, not kept. Each format says why.
   */
  readonly bookkeeping?: readonly string[];
  /** The item a row makes, from its cells (an empty cell reads as undefined). */
  map(cell: (column: string) => string | undefined): Record<string, unknown>;
}

/**
 * A mapped CSV export, row by row: `map` makes each item; a column it does
 * not read is never dropped, but kept as a custom text field named after the
 * column (and cells with no column name as `column N`).
 */
export function mappedCsvRows(fmt: MappedCsvFormat, content: string): RowCandidate[] {
  const table = readCsv(content, fmt.format, fmt.required);
  const read = new Set([...fmt.columns, ...(fmt.bookkeeping ?? [])]);
  return table.rows.map(({ row, cells, unnamed }): RowCandidate => {
    const cell = (column: string) => {
      const value = cells.get(column);
      return value === undefined || value === '' ? undefined : value;
    };
    const item = fmt.map(cell);
    const extra = [
      ...[...cells]
        .filter(([name, value]) => !read.has(name) && value !== '')
        .map(([name, value]) => ({ name, value })),
      ...unnamed.map((position) => ({ name: `column ${position}`, value: '' })),
    ].filter((f) => f.value !== '');
    const fields = [
      ...((item.fields as unknown[] | undefined) ?? []),
      ...extra.map((f) => ({ name: f.name, value: f.value, type: 'text' })),
    ];
    const candidate = prune({ ...item, fields: fields.length > 0 ? fields : undefined });
    if (candidate.name === undefined) candidate.name = `Row ${row}`;
    return { row, dropped: unnamed.map((p) => `column ${p}`), candidate };
  });
}

/** The host of a URL, for a name when the export has none. */
export function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `https://${url}`).hostname || url;
  } catch {
    return url;
  }
}
