import { useState } from 'preact/hooks';
import { ApiError, idempotencyKey, request } from './api';
import type { Ctx } from './navigation';

/** Import from a file, export as JSON or CSV. */
export function Transfer({ guard, setStatus }: Ctx) {
  const [format, setFormat] = useState('bitwarden-json');
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<string>();
  const importFile = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      if (!file)
        throw new ApiError({ status: 400, code: 'no_file', detail: 'Choose a file to import first.' });
      const content = await file.text();
      const { data } = await request<{
        imported: number;
        failed: number;
        errors: { row: number; message: string }[];
      }>('POST', '/v1/import', { format, content }, { 'idempotency-key': idempotencyKey() });
      setReport(data.errors.map((er) => `Row ${er.row}: ${er.message}`).join('\n'));
      setStatus(`Imported ${data.imported} secrets; ${data.failed} rows failed.`);
    });
  };
  const exportAs = (kind: 'json' | 'csv') =>
    guard(async () => {
      const { raw } = await request<string>('GET', `/v1/export?format=${kind}`);
      const blob = await raw.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `kmsvault-export.${kind}`;
      link.click();
      URL.revokeObjectURL(link.href);
      setStatus(
        `Exported as ${kind.toUpperCase()}. The file holds your passwords in the clear: keep it safe.`,
      );
    });
  return (
    <section aria-labelledby="transfer-title">
      <h2 id="transfer-title">Import and export</h2>
      <form onSubmit={importFile}>
        <div class="field">
          <label for="format">Format</label>
          <select
            id="format"
            value={format}
            onChange={(e) => setFormat((e.target as HTMLSelectElement).value)}
          >
            <option value="bitwarden-json">Bitwarden JSON (unencrypted)</option>
            <option value="bitwarden-csv">Bitwarden CSV</option>
            <option value="chrome-csv">Chrome CSV</option>
          </select>
        </div>
        <div class="field">
          <label for="file">File to import</label>
          <input id="file" type="file" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0])} />
        </div>
        <button type="submit">Import</button>
      </form>
      {report ? <pre class="report">{report}</pre> : null}
      <div class="actions">
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
      </div>
    </section>
  );
}
