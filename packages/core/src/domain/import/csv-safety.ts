/**
 * CSV injection (OWASP): a spreadsheet reads a cell that begins with one of
 * these characters as a formula, which can run commands or leak other cells.
 */
export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r'] as const;

/** The escape a spreadsheet shows as "this cell is text". */
export const CELL_ESCAPE = "'";

/** Apostrophes, then a trigger: the cells the export escapes. */
const ESCAPED_BY_EXPORT = /^'*[=+\-@\t\r]/;
/** One apostrophe or more, then a trigger: the cells the import unescapes. */
const UNESCAPED_BY_IMPORT = /^'+[=+\-@\t\r]/;

/**
 * Makes a cell safe to open in a spreadsheet, reversibly. A cell whose text,
 * after any leading apostrophes, begins with `=`, `+`, `-`, `@`, tab or
 * carriage return gets one more apostrophe in front: `=1+1` is written
 * `'=1+1`, and a value that really is `'=1+1` is written `''=1+1`. Every
 * other cell (`'abc`, `don't`, `a=b`) is written as it is, so other tools
 * read it unchanged.
 */
export function neutraliseCell(value: string): string {
  return ESCAPED_BY_EXPORT.test(value) ? `${CELL_ESCAPE}${value}` : value;
}

/**
 * Undoes {@link neutraliseCell}: a cell of one apostrophe or more followed by
 * a trigger loses one apostrophe; every other cell is kept as it is. So
 * `restoreCell(neutraliseCell(v)) === v` for every string `v`. A file from
 * another tool that holds such a cell unescaped (a value that really begins
 * `'=`) loses that apostrophe; tools that escape formulas the OWASP way
 * write exactly the cells this reads back.
 */
export function restoreCell(value: string): string {
  return UNESCAPED_BY_IMPORT.test(value) ? value.slice(CELL_ESCAPE.length) : value;
}
