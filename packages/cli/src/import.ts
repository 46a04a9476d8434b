import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Client } from './client';
import { CliError, EXIT } from './errors';
import type { Io } from './io';

const IMPORT_BATCH = 100;

/**
 * Imports a file in batches of 100 rows (one request each, keyed for
 * idempotency by the file's hash and the batch), with a progress bar on
 * stderr (a line per batch when stderr is not a terminal).
 */
export async function importFile(
  client: Client,
  path: string,
  formatFlag: string | undefined,
  io: Io,
  json: boolean,
): Promise<number> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`cannot read ${path}`, EXIT.usage);
  }
  const format = formatFlag;
  if (format !== undefined && !FORMATS.includes(format))
    throw new CliError(`--format must be one of ${FORMATS.join(', ')}; got ${format}`, EXIT.usage);
  const batches = split(format ?? (/^\s*[[{]/.test(content) ? 'bitwarden-json' : 'csv'), content);
  const total = batches.reduce((n, b) => n + b.rows, 0);
  const digest = createHash('sha256').update(content).digest('hex').slice(0, 24);
  let done = 0;
  let imported = 0;
  const errors: { row: number; message: string }[] = [];
  const progress = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `importing [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} rows`;
    io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };
  progress();
  let offset = 0;
  for (const [index, batch] of batches.entries()) {
    const { data } = await client.call<{ imported: number; errors: { row: number; message: string }[] }>(
      'POST',
      '/v1/import',
      { ...(format ? { format } : {}), content: batch.content },
      { 'idempotency-key': `import-${digest}-${index}` },
    );
    imported += data.imported;
    errors.push(...data.errors.map((e) => ({ row: e.row + offset, message: e.message })));
    offset += batch.rows;
    done += batch.rows;
    progress();
  }
  if (io.stderr.isTTY) io.stderr.write('\n');
  const summary = { imported, failed: errors.length, errors };
  io.stdout.write(
    json
      ? `${JSON.stringify(summary)}\n`
      : `Imported ${imported} of ${total} rows.${errors.map((e) => `\n  row ${e.row}: ${e.message}`).join('')}\n`,
  );
  return errors.length > 0 ? EXIT.conflict : EXIT.ok;
}

/** The formats the API imports; without --format, the server detects it from the content. */
const FORMATS = [
  'bitwarden-json',
  'bitwarden-csv',
  'lastpass-csv',
  'firefox-csv',
  'keepassxc-csv',
  '1password-csv',
  'chrome-csv',
];

/** The file in batches: Bitwarden JSON by items, any CSV by rows under its header. */
function split(format: string, content: string): { content: string; rows: number }[] {
  if (format === 'bitwarden-json') {
    let doc: { items?: unknown[] } & Record<string, unknown>;
    try {
      doc = JSON.parse(content);
    } catch {
      throw new CliError('the file is not JSON', EXIT.usage);
    }
    const items = Array.isArray(doc.items) ? doc.items : [];
    const out: { content: string; rows: number }[] = [];
    for (let i = 0; i < items.length; i += IMPORT_BATCH) {
      const slice = items.slice(i, i + IMPORT_BATCH);
      out.push({ content: JSON.stringify({ ...doc, items: slice }), rows: slice.length });
    }
    return out;
  }
  const records = csvRecords(content);
  const [header, ...rows] = records;
  const out: { content: string; rows: number }[] = [];
  for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
    const slice = rows.slice(i, i + IMPORT_BATCH);
    out.push({ content: [header, ...slice].join('\n'), rows: slice.length });
  }
  return out;
}

/** Splits CSV text into records (raw text), keeping quoted newlines inside their record. */
function csvRecords(text: string): string[] {
  const records: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text.replace(/\r\n/g, '\n')) {
    if (ch === '"') quoted = !quoted;
    if (ch === '\n' && !quoted) {
      if (current.length > 0) records.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.length > 0) records.push(current);
  return records;
}
