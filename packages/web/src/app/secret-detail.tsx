import type { Secret } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { request } from './api';
import type { Nav } from './navigation';

const CLIPBOARD_CLEAR_MS = 30_000;

/** One secret: its fields, the password hidden until revealed, copy, edit, history and delete. */
export function Detail({ id, go, guard, setStatus }: Nav & { id: string }) {
  const [secret, setSecret] = useState<Secret>();
  const [revealed, setRevealed] = useState(false);
  useEffect(() => {
    void guard(async () => setSecret((await request<Secret>('GET', `/v1/secrets/${id}`)).data));
  }, [id]);
  if (!secret) return <p>Loading…</p>;
  const copy = () =>
    guard(async () => {
      await navigator.clipboard.writeText(secret.password ?? '');
      setStatus('Password copied. The clipboard is cleared in 30 seconds.');
      setTimeout(() => {
        void navigator.clipboard.writeText('').catch(() => undefined);
      }, CLIPBOARD_CLEAR_MS);
    });
  return (
    <section aria-labelledby="detail-title">
      <h2 id="detail-title">{secret.name}</h2>
      <dl>
        <dt>Site</dt>
        <dd>{secret.url ?? '—'}</dd>
        <dt>Username</dt>
        <dd>{secret.username ?? '—'}</dd>
        <dt>Password</dt>
        <dd>
          <span class="secret" data-testid="password">
            {revealed ? (secret.password ?? '') : secret.password ? '••••••••' : '—'}
          </span>
          <button type="button" onClick={() => setRevealed(!revealed)}>
            {revealed ? 'Hide' : 'Reveal'}
          </button>
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
        </dd>
        <dt>Notes</dt>
        <dd class="notes">{secret.notes ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{secret.tags.join(', ') || '—'}</dd>
        <dt>Folder</dt>
        <dd>{secret.folder ?? '—'}</dd>
        <dt>Version</dt>
        <dd>{secret.version}</dd>
      </dl>
      <div class="actions">
        <button type="button" onClick={() => go({ kind: 'edit', id })}>
          Edit
        </button>
        <button type="button" onClick={() => go({ kind: 'history', id })}>
          History
        </button>
        <button
          type="button"
          onClick={() =>
            void guard(async () => {
              await request('DELETE', `/v1/secrets/${id}`);
              go({ kind: 'list' });
              setStatus(`Moved "${secret.name}" to the trash.`);
            })
          }
        >
          Delete
        </button>
      </div>
    </section>
  );
}
