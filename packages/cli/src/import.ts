import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  decodeExport,
  IMPORT_FORMATS,
  openProtectedExport,
  ProtectedExportError,
  protectionOf,
  UploadError,
  uploadBatches,
} from '@kmsvault/core/client';
import type { Client } from './client';
import { CliError, EXIT } from './errors';
import type { Io } from './io';

interface BatchAnswer {
  imported: number;
  skipped: number;
  errors: { row: number; message: string }[];
  warnings: { row: number; fields: string[]; message: string }[];
  mapped: { row: number; fields: string[]; message: string }[];
  skippedRows: { row: number; id: string; reason: string }[];
}

const SKIP_WORDS: Readonly<Record<string, string>> = {
  present: 'already in the vault',
  trash: 'in the trash (restore it from there)',
  repeated: 'the same item as an earlier row',
};

/**
 * Imports a file in requests of at most 200,000 bytes and 500 rows (the
 * shared uploadBatches), each keyed for idempotency by the file's hash, the
 * run and the batch, with a progress bar on stderr (a line per batch when stderr is
 * not a terminal). The vault imports per item idempotently: running the
 * same import again, after a failure or not, skips what landed and says so.
 */
export async function importFile(
  client: Client,
  path: string,
  format: string | undefined,
  io: Io,
  json: boolean,
  password: (prompt: string) => Promise<string>,
): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new CliError(`cannot read ${path}`, EXIT.usage);
  }
  if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format))
    throw new CliError(`--format must be one of ${IMPORT_FORMATS.join(', ')}; got ${format}`, EXIT.usage);
  const decoded = decodeExport(bytes);
  if (decoded.encoding !== 'utf-8')
    io.stderr.write(`kmsvault: ${path} is not UTF-8; read it as ${decoded.encoding}\n`);
  let batches: ReturnType<typeof uploadBatches>;
  try {
    // A password-protected Bitwarden export is opened here, so its password never leaves this machine.
    const text =
      protectionOf(decoded.text) === undefined
        ? decoded.text
        : await openProtectedExport(decoded.text, await password('Password of the export file: '));
    batches = uploadBatches(text);
  } catch (err) {
    if (err instanceof UploadError || err instanceof ProtectedExportError)
      throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  const total = batches.reduce((n, b) => n + b.rows, 0);
  // One key per request of this run: a retried request replays; a new run asks again, and the vault
  // skips per item what an earlier run stored.
  const run = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}-${randomUUID()}`;
  let done = 0;
  const sum = { imported: 0, skipped: 0 };
  const reasons = new Map<string, number>();
  const report: { row: number; message: string }[] = [];
  const errors: { row: number; message: string }[] = [];
  const progress = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `importing [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} rows`;
    io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };
  progress();
  for (const [index, batch] of batches.entries()) {
    const { data } = await client.call<BatchAnswer>(
      'POST',
      '/v1/import',
      { ...(format ? { format } : {}), content: batch.content },
      { 'idempotency-key': `import-${run}-${index}` },
    );
    const row = (r: number) => r + batch.firstRow - 1;
    sum.imported += data.imported;
    sum.skipped += data.skipped;
    for (const s of data.skippedRows) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
    errors.push(...data.errors.map((e) => ({ row: row(e.row), message: e.message })));
    report.push(
      ...data.warnings.map((w) => ({ row: row(w.row), message: w.message })),
      ...data.mapped.map((m) => ({ row: row(m.row), message: m.message })),
    );
    done += batch.rows;
    progress();
  }
  if (io.stderr.isTTY) io.stderr.write('\n');
  const summary = {
    ...sum,
    failed: errors.length,
    total,
    skippedBy: Object.fromEntries(reasons),
    errors,
    notes: report,
  };
  const lines = [
    `Imported ${sum.imported} of ${total} rows` +
      (sum.skipped > 0
        ? `; skipped ${sum.skipped} (${[...reasons].map(([r, n]) => `${n} ${SKIP_WORDS[r] ?? r}`).join(', ')})`
        : '') +
      (errors.length > 0 ? `; ${errors.length} failed` : '') +
      '.',
    ...errors.map((e) => `  row ${e.row}: ${e.message}`),
    ...report.sort((a, b) => a.row - b.row).map((n) => `  row ${n.row}: ${n.message}`),
  ];
  io.stdout.write(json ? `${JSON.stringify(summary)}\n` : `${lines.join('\n')}\n`);
  return errors.length > 0 ? EXIT.conflict : EXIT.ok;
}
