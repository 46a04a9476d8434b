import type { ImportWarning } from './types';

/** How deep `hasData` looks before it assumes a value holds something. */
const MAX_DEPTH = 8;

/**
 * Whether a value holds anything a person put there: null, undefined, the
 * empty string, false, 0 and arrays or objects holding only those hold
 * nothing (they are a format's defaults); anything else does.
 */
export function hasData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined || value === '' || value === false || value === 0) return false;
  if (typeof value !== 'object') return true;
  if (depth >= MAX_DEPTH) return true;
  return Object.values(value).some((v) => hasData(v, depth + 1));
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where `value` (found at `path`) holds data: an object's members one level down, anything else whole. */
export function dataPaths(path: string, value: unknown): string[] {
  if (!hasData(value)) return [];
  if (!isRecord(value)) return [path];
  return Object.keys(value)
    .filter((k) => hasData(value[k]))
    .map((k) => `${path}.${k}`);
}

/** The members of `record` outside `known` that hold data, as paths under `prefix`. */
export function unknownPaths(
  record: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
  prefix = '',
): string[] {
  return Object.keys(record)
    .filter((k) => !known.has(k))
    .flatMap((k) => dataPaths(prefix === '' ? k : `${prefix}.${k}`, record[k]));
}

/** Paths in a stable order, numbers compared as numbers (`fields[2]` before `fields[10]`). */
export function sortPaths(paths: readonly string[]): string[] {
  return [...new Set(paths)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The warning a row gets for what it could not keep; undefined when it kept everything. */
export function droppedWarning(row: number, dropped: readonly string[]): ImportWarning | undefined {
  if (dropped.length === 0) return undefined;
  const fields = sortPaths(dropped);
  return {
    row,
    fields,
    message: `not imported, kmsvault has no place for them yet: ${fields.join(', ')}`,
  };
}

/** What the answer says of columns or members a row kept as custom fields; undefined when there are none. */
export function keptNote(row: number, kept: readonly string[] | undefined): ImportWarning | undefined {
  if (kept === undefined || kept.length === 0) return undefined;
  const fields = sortPaths(kept);
  return { row, fields, message: `kept as custom fields named after them: ${fields.join(', ')}` };
}
