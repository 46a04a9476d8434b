import { prune } from './candidate';
import { type CsvRow, readCsv } from './csv-table';
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
  return table.rows.map((csvRow): RowCandidate => {
    const { row, cells } = csvRow;
    const cell = (column: string) => {
      const value = cells.get(column);
      return value === undefined || value === '' ? undefined : value;
    };
    const item = fmt.map(cell);
    const extra = extraColumnFields(csvRow, read);
    const fields = [...((item.fields as unknown[] | undefined) ?? []), ...extra.fields];
    const candidate = prune({ ...item, fields: fields.length > 0 ? fields : undefined });
    if (candidate.name === undefined) candidate.name = `Row ${row}`;
    return { row, dropped: [], kept: extra.kept, candidate };
  });
}

/**
 * The cells of a row in columns an importer does not read, as custom text
 * fields named after their column, or `column N` for a cell under no column
 * name (`kept` names them, for the answer to say where they went).
 */
export function extraColumnFields(
  row: CsvRow,
  read: ReadonlySet<string>,
  readCell: (cell: string) => string = (cell) => cell,
): { fields: { name: string; value: string; type: 'text' }[]; kept: string[] } {
  const extra = [
    ...[...row.cells].filter(([name, value]) => !read.has(name) && value !== ''),
    ...row.unnamed.map((position, i) => [`column ${position}`, row.unnamedValues[i] ?? ''] as const),
  ];
  return {
    fields: extra.map(([name, value]) => ({ name, value: readCell(value), type: 'text' })),
    kept: extra.map(([name]) => name),
  };
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
