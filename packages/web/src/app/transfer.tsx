import {
  decodeExport,
  IMPORT_FORMAT_LABELS,
  IMPORT_FORMATS,
  openProtectedExport,
  ProtectedExportError,
  protectionOf,
  sealProtectedExport,
  type UploadBatch,
  UploadError,
  uploadBatches,
} from '@kmsvault/core/client';
import { useState } from 'preact/hooks';
import { ApiError, idempotencyKey, reauthenticate, request } from './api';
import type { Ctx } from './navigation';
import { Field } from './ui';

interface BatchAnswer {
  imported: number;
  skipped: number;
  errors: { row: number; message: string }[];
  warnings: { row: number; message: string }[];
  mapped: { row: number; message: string }[];
}

/**
 * Import from a file (in requests of at most 200 kB, with progress; a file
 * that is not UTF-8 read as Windows-1252), export as JSON or CSV.
 */
export function Transfer({ guard, setStatus }: Ctx) {
  const [format, setFormat] = useState('');
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<string>();
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const [filePassword, setFilePassword] = useState('');
  const importFile = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      if (!file)
        throw new ApiError({ status: 400, code: 'no_file', detail: 'Choose a file to import first.' });
      const { text: decoded, encoding } = decodeExport(new Uint8Array(await file.arrayBuffer()));
      let batches: UploadBatch[];
      try {
        // A password-protected Bitwarden export is opened here: its password never leaves the browser.
        const text =
          protectionOf(decoded) === undefined
            ? decoded
            : await openProtectedExport(decoded, filePassword || undefined);
        batches = uploadBatches(text);
      } catch (err) {
        if (err instanceof UploadError || err instanceof ProtectedExportError)
          throw new ApiError({ status: 400, code: 'bad_file', detail: err.message });
        throw err;
      }
      const total = batches.reduce((n, b) => n + b.rows, 0);
      const sum = { imported: 0, skipped: 0, failed: 0 };
      const lines: { row: number; text: string }[] = [];
      setProgress({ done: 0, total });
      try {
        for (const batch of batches) {
          const { data } = await request<BatchAnswer>(
            'POST',
            '/v1/import',
            { ...(format ? { format } : {}), content: batch.content },
            { 'idempotency-key': idempotencyKey() },
          );
          const row = (r: number) => r + batch.firstRow - 1;
          sum.imported += data.imported;
          sum.skipped += data.skipped;
          sum.failed += data.errors.length;
          for (const x of [...data.errors, ...data.warnings, ...data.mapped])
            lines.push({ row: row(x.row), text: x.message });
          setProgress((p) => ({ done: (p?.done ?? 0) + batch.rows, total }));
        }
      } finally {
        setProgress(undefined);
      }
      setReport(
        [
          ...(encoding === 'utf-8' ? [] : [`The file is not UTF-8: it was read as ${encoding}.`]),
          ...lines.sort((a, b) => a.row - b.row).map((l) => `Row ${l.row}: ${l.text}`),
        ].join('\n'),
      );
      setStatus(
        `Imported ${sum.imported} of ${total} items` +
          (sum.skipped > 0 ? `; ${sum.skipped} were already in the vault and were skipped` : '') +
          `; ${sum.failed} rows failed.`,
      );
    });
  };
  const [password, setPassword] = useState('');
  const [exportPassword, setExportPassword] = useState('');
  const exportAs = (kind: 'json' | 'csv' | 'encrypted') =>
    guard(async () => {
      if (password === '')
        throw new ApiError({
          status: 400,
          code: 'password_needed',
          detail: 'Exporting needs your login password again: type it above the export buttons.',
        });
      if (kind === 'encrypted' && exportPassword.length < 8)
        throw new ApiError({
          status: 400,
          code: 'file_password_needed',
          detail: 'An encrypted export needs a file password of 8 characters or more.',
        });
      await reauthenticate(password);
      setPassword('');
      const { raw } = await request<string>('GET', `/v1/export?format=${kind === 'csv' ? 'csv' : 'json'}`);
      // Encrypted here, as Bitwarden does: the file's password never reaches the server.
      const blob =
        kind === 'encrypted'
          ? new Blob([await sealProtectedExport(await raw.text(), exportPassword)], {
              type: 'application/json',
            })
          : await raw.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = kind === 'encrypted' ? 'kmsvault-export.encrypted.json' : `kmsvault-export.${kind}`;
      link.click();
      URL.revokeObjectURL(link.href);
      setExportPassword('');
      setStatus(
        kind === 'encrypted'
          ? 'Exported as password-protected JSON (Bitwarden’s format): it opens only with the file password.'
          : `Exported as ${kind.toUpperCase()}. The file holds your passwords in the clear: keep it safe.`,
      );
    });
  return (
    <section aria-labelledby="transfer-title">
      <h2 id="transfer-title">Import and export</h2>
      <h3>Import</h3>
      <p>
        From Bitwarden (JSON, also password-protected, or CSV), KeePass (XML), LastPass, Firefox, KeePassXC,
        1Password, Safari or Chrome (CSV). Items already in your vault are skipped, so a file can be imported
        again safely.
      </p>
      <form onSubmit={importFile}>
        <div class="field">
          <label for="format">Format</label>
          <select
            id="format"
            value={format}
            onChange={(e) => setFormat((e.target as HTMLSelectElement).value)}
          >
            <option value="">Detect from the file</option>
            {IMPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {IMPORT_FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="file">File to import</label>
          <input id="file" type="file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0])} />
        </div>
        <Field
          id="file-password"
          label="File password (a password-protected Bitwarden export only)"
          type="password"
          autoComplete="off"
          value={filePassword}
          onInput={setFilePassword}
        />
        <button type="submit" disabled={progress !== undefined}>
          Import
        </button>
        {progress ? (
          <p>
            <label for="import-progress">Importing</label>{' '}
            <progress id="import-progress" max={progress.total} value={progress.done}>
              {progress.done} of {progress.total}
            </progress>{' '}
            {progress.done} of {progress.total} rows
          </p>
        ) : null}
      </form>
      {report ? <pre class="report">{report}</pre> : null}
      <h3>Export</h3>
      <Field
        id="export-password"
        label="Login password (exporting needs it again)"
        type="password"
        autoComplete="current-password"
        value={password}
        onInput={setPassword}
      />
      <div class="actions">
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </div>
      <Field
        id="encrypt-password"
        label="File password for an encrypted export"
        type="password"
        autoComplete="new-password"
        value={exportPassword}
        onInput={setExportPassword}
      />
      <div class="actions">
        <button type="button" onClick={() => void exportAs('encrypted')}>
          Export encrypted JSON
        </button>
      </div>
    </section>
  );
}
