/**
 * How a client (the CLI, the web vault) sends an export file to
 * `POST /v1/import`: decoded from its bytes without ever inventing a
 * character, and cut into requests that each stay under the API's limit by
 * bytes, whatever the rows' sizes. No dependencies (the web vault bundles it).
 */

/** The most UTF-8 bytes of file content one request carries (the API takes 250,000 characters). */
export const UPLOAD_BATCH_BYTES = 200_000;
/** The most rows one request carries, so a request's work stays well inside the function's timeout. */
export const UPLOAD_BATCH_ROWS = 500;

export interface UploadBatch {
  /** A whole document of the file's format: the header (CSV) or the top-level members (JSON) and some rows. */
  readonly content: string;
  readonly rows: number;
  /** The file's row number of this batch's first row (the API numbers rows from 1 in each request). */
  readonly firstRow: number;
}

export type ExportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * The text of an export file. UTF-8 (with or without BOM) and UTF-16 with a
 * BOM are read as such; bytes that are not UTF-8 are read as Windows-1252
 * (Latin-1's superset, what Excel and older exporters write on Windows), so
 * `ä` stays `ä` and never becomes U+FFFD. The caller says which it was.
 */
export function decodeExport(bytes: Uint8Array): { text: string; encoding: ExportEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decoded(bytes, 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decoded(bytes, 'utf-16be');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: windows1252(bytes), encoding: 'windows-1252' };
  }
}

/** Windows-1252's 0x80–0x9F (WHATWG's table; the five it leaves undefined map to the same code point). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/**
 * Windows-1252 by hand: Node 20's TextDecoder decodes this label as
 * ISO-8859-1 (0x80 becomes U+0080, not €; measured here), browsers do not;
 * this gives both the WHATWG mapping.
 */
function windows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  }
  return text;
}

function decoded(bytes: Uint8Array, encoding: ExportEncoding): { text: string; encoding: ExportEncoding } {
  return { text: new TextDecoder(encoding).decode(bytes), encoding };
}

/** A file the client cannot cut into requests: what is wrong, quoting nothing of the file. */
export class UploadError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/** UTF-8 length of a string without encoding it (the browser has no Buffer.byteLength). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts `rows` (each with its size) into runs under both limits; a row over the byte limit goes alone. */
function runs<T>(rows: readonly T[], size: (row: T) => number, overhead: number): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let bytes = overhead;
  for (const row of rows) {
    const n = size(row) + 1;
    if (run.length > 0 && (run.length >= UPLOAD_BATCH_ROWS || bytes + n > UPLOAD_BATCH_BYTES)) {
      out.push(run);
      run = [];
      bytes = overhead;
    }
    run.push(row);
    bytes += n;
  }
  if (run.length > 0) out.push(run);
  return out;
}

/**
 * A JSON export (Bitwarden's) in requests: each is the document with its
 * top-level members (folders, collections) and a run of its items. Text
 * that is not JSON, or has no items array, goes whole: the API's answer says
 * what is wrong with it (for text over the limit the client says it here).
 */
function jsonBatches(text: string): UploadBatch[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    if (utf8Length(text) <= UPLOAD_BATCH_BYTES) return [{ content: text, rows: 0, firstRow: 1 }];
    // V8's message quotes the text around the error: only the position is kept.
    const at = /position (\d+)/.exec(String(err))?.[1];
    throw new UploadError(
      `The file is not valid JSON${at === undefined ? '' : ` (stopped at character ${at})`}: is it truncated?`,
    );
  }
  const items = (doc as { items?: unknown }).items;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !Array.isArray(items) ||
    (doc as { encrypted?: unknown }).encrypted === true
  )
    return [{ content: text, rows: 0, firstRow: 1 }];
  const { items: _items, ...rest } = doc as Record<string, unknown>;
  const overhead = utf8Length(JSON.stringify(rest)) + 12;
  const sized = items.map((item) => ({ item, json: JSON.stringify(item) }));
  let firstRow = 1;
  return runs(sized, (s) => utf8Length(s.json), overhead).map((run) => {
    const batch = {
      content: JSON.stringify({ ...rest, items: run.map((s) => s.item) }),
      rows: run.length,
      firstRow,
    };
    firstRow += run.length;
    return batch;
  });
}

/**
 * CSV text as records, each exactly as the file wrote it (a quoted cell's
 * line breaks stay inside its record). Written by hand: splitting needs only
 * the quote rule of RFC 4180 (a `"` toggles quoting; `""` toggles twice), and
 * a CSV library would re-serialise the cells instead of keeping their text.
 */
export function csvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n' && !quoted) {
      const record = text.slice(start, text[i - 1] === '\r' ? i - 1 : i);
      if (record.length > 0) records.push(record);
      start = i + 1;
    }
  }
  const last = text.slice(start);
  if (last.length > 0) records.push(last);
  return records;
}

function csvBatches(text: string): UploadBatch[] {
  const [header, ...records] = csvRecords(text);
  if (header === undefined) return [{ content: text, rows: 0, firstRow: 1 }];
  let firstRow = 1;
  return runs(records, utf8Length, utf8Length(header) + 1).map((run) => {
    const batch = { content: [header, ...run].join('\n'), rows: run.length, firstRow };
    firstRow += run.length;
    return batch;
  });
}

/**
 * An export file as the requests that import it: JSON by items, CSV by
 * records under its header, each request at most UPLOAD_BATCH_BYTES of
 * content and UPLOAD_BATCH_ROWS rows. Every request is a whole file of the
 * same format, so the API detects and reads each the same way.
 */
export function uploadBatches(text: string): UploadBatch[] {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*</.test(body)) return xmlBatch(body);
  return /^\s*[[{]/.test(body) ? jsonBatches(body) : csvBatches(body);
}

/**
 * XML (KeePass) goes in one request: the client does not parse XML, so it
 * cannot cut one between entries. A file over the limit is refused here,
 * saying what to do instead.
 */
function xmlBatch(text: string): UploadBatch[] {
  if (utf8Length(text) > UPLOAD_BATCH_BYTES)
    throw new UploadError(
      `This XML export is over ${UPLOAD_BATCH_BYTES / 1000} kB, more than one request takes, and an XML file is sent whole. Export from KeePass or KeePassXC as CSV instead: a CSV of any size is sent in parts.`,
    );
  // Entries inside a <History> are earlier versions, not rows.
  const rows = (text.replace(/<History>[\s\S]*?<\/History>/g, '').match(/<Entry>/g) ?? []).length;
  return [{ content: text, rows, firstRow: 1 }];
}
