import { parse } from 'csv-parse/sync';
import { ValidationError } from '../errors';

/** One record after the header, numbered from 1. */
export interface CsvRow {
  readonly row: number;
  /** Cells by column name (a Map: a header may be named anything, `__proto__` included). */
  readonly cells: ReadonlyMap<string, string>;
  /** 1-based positions of non-empty cells that have no column name (beyond the header, or under an empty one). */
  readonly unnamed: readonly number[];
  /** The values of those cells, in the same order. */
  readonly unnamedValues: readonly string[];
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

/** Why csv-parse stopped, in words that quote nothing of the file (its own messages quote cells). */
const REASONS: Readonly<Record<string, string>> = {
  INVALID_OPENING_QUOTE: 'a quote inside a cell that does not begin with one',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quote that is never closed',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'a row with another number of cells',
  CSV_MAX_RECORD_SIZE: 'a row that is too long',
};

function unreadable(err: unknown): ValidationError {
  const { code, lines } = (err ?? {}) as { code?: unknown; lines?: unknown };
  const reason = (typeof code === 'string' && REASONS[code]) || 'text that is not CSV';
  const where = typeof lines === 'number' ? ` at line ${lines}` : '';
  return new ValidationError(`The CSV could not be read${where}: ${reason}.`, [
    { path: 'content', message: 'is not valid CSV' },
  ]);
}

/**
 * Reads CSV text with a header row. Refuses (400, naming columns, never
 * cells) text that is not CSV, a header that names a column twice (one of
 * its values would be lost) and a header without every `required` column.
 */
export function readCsv(content: string, format: string, required: readonly string[]): CsvTable {
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  } catch (err) {
    throw unreadable(err);
  }
  const [header = [], ...body] = records;
  if (records.length === 0) return { header, rows: [] };

  const seen = new Set<string>();
  for (const name of header) {
    if (name !== '' && seen.has(name)) {
      throw new ValidationError(`The CSV names column ${name} twice.`, [
        { path: 'content', message: `names column ${name} twice` },
      ]);
    }
    seen.add(name);
  }
  const missing = required.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new ValidationError(`The CSV has no column ${missing.join(', ')} for ${format}.`, [
      { path: 'content', message: `misses columns ${missing.join(', ')}` },
    ]);
  }

  const rows = body.map((record, i) => {
    const cells = new Map<string, string>();
    const unnamed: number[] = [];
    const unnamedValues: string[] = [];
    record.forEach((cell, column) => {
      const name = header[column];
      if (name !== undefined && name !== '') cells.set(name, cell);
      else if (cell !== '') {
        unnamed.push(column + 1);
        unnamedValues.push(cell);
      }
    });
    return { row: i + 1, cells, unnamed, unnamedValues };
  });
  return { header, rows };
}

/** The columns of `row` outside `known` that hold a value, by name, and unnamed cells by position. */
export function unknownCells(row: CsvRow, known: ReadonlySet<string>): string[] {
  const named = [...row.cells]
    .filter(([name, cell]) => !known.has(name) && cell !== '')
    .map(([name]) => name);
  return [...named, ...row.unnamed.map((p) => `column ${p}`)];
}
