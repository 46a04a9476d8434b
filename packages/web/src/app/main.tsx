import type { SecretMetadata as Meta, Secret } from '@kmsvault/core';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  idempotencyKey,
  isLoggedIn,
  login,
  logout,
  type Problem,
  request,
  signup,
  type Unreadable,
} from './api';

type Draft = {
  name: string;
  url: string;
  username: string;
  password: string;
  notes: string;
  tags: string;
  folder: string;
};
type View =
  | { kind: 'list' }
  | { kind: 'detail'; id: string }
  | { kind: 'edit'; id?: string }
  | { kind: 'history'; id: string }
  | { kind: 'trash' }
  | { kind: 'transfer' }
  | { kind: 'account' };

const CLIPBOARD_CLEAR_MS = 30_000;

/** The search form: filter (query parameter) and its label. */
const SEARCH_FIELDS = [
  ['q', 'Text'],
  ['site', 'Site'],
  ['tag', 'Tag'],
  ['folder', 'Folder'],
] as const;

/** One sentence a person can act on, for every error the API returns. */
export function describe(error: unknown): string {
  if (!(error instanceof ApiError))
    return 'The vault could not be reached. Check your connection and try again.';
  const p: Problem = error.problem;
  if (p.status === 429) return `Too many attempts. Wait ${p.retryAfter ?? 'a few'} seconds, then try again.`;
  if (p.code === 'username_taken') return 'That username is taken. Choose another one.';
  if (p.code === 'invalid_credentials') return 'Wrong username or password.';
  if (p.status === 412) return 'This secret changed elsewhere. Reload it before saving.';
  if (p.errors && p.errors.length > 0)
    return `${p.detail} ${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.trim();
  return p.detail;
}

/** Names the items the server could not verify, which the list leaves out. */
function UnreadableWarning({ items }: { items: readonly Unreadable[] }) {
  if (items.length === 0) return null;
  const ids = [...new Set(items.map((u) => u.id))];
  return (
    <p class="alert" role="alert" data-testid="unreadable">
      {ids.length === 1 ? 'One secret fails' : `${ids.length} secrets fail`} the integrity check and{' '}
      {ids.length === 1 ? 'is' : 'are'} not shown: it may have been altered in storage. {ids.join(', ')}
    </p>
  );
}

function Alert({ message }: { message: string | undefined }) {
  return message ? (
    <p class="alert" role="alert">
      {message}
    </p>
  ) : null;
}

function Field(props: {
  id: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  autoComplete?: string;
  multiline?: boolean;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={props.id}
          name={props.id}
          value={props.value}
          onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)}
        />
      ) : (
        <input
          id={props.id}
          name={props.id}
          type={props.type ?? 'text'}
          value={props.value}
          autoComplete={props.autoComplete ?? 'off'}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
      )}
    </div>
  );
}

function AuthScreen({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (mode === 'signup') await signup(username, password);
      await login(username, password);
      onLoggedIn();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="card narrow">
      <h1>kmsvault</h1>
      <div class="tabs">
        <button type="button" aria-pressed={mode === 'login'} onClick={() => setMode('login')}>
          I have an account
        </button>
        <button type="button" aria-pressed={mode === 'signup'} onClick={() => setMode('signup')}>
          I am new here
        </button>
      </div>
      <form onSubmit={submit}>
        <h2>{mode === 'login' ? 'Log in' : 'Create an account'}</h2>
        <Field
          id="username"
          label="Username"
          value={username}
          onInput={setUsername}
          autoComplete="username"
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        />
        {mode === 'signup' ? (
          <p class="hint">At least 8 characters; 15 or more is better. Any characters, spaces too.</p>
        ) : null}
        <Alert message={error} />
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Sign up'}
        </button>
      </form>
    </main>
  );
}

function emptyDraft(): Draft {
  return { name: '', url: '', username: '', password: '', notes: '', tags: '', folder: '' };
}

function toBody(d: Draft) {
  const tags = d.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    name: d.name,
    ...(d.url ? { url: d.url } : {}),
    ...(d.username ? { username: d.username } : {}),
    ...(d.password ? { password: d.password } : {}),
    ...(d.notes ? { notes: d.notes } : {}),
    ...(tags.length ? { tags } : {}),
    ...(d.folder ? { folder: d.folder } : {}),
  };
}

function Vault({ onLoggedOut }: { onLoggedOut: () => void }) {
  const [view, setView] = useState<View>({ kind: 'list' });
  const [items, setItems] = useState<Meta[]>([]);
  const [unreadable, setUnreadable] = useState<Unreadable[]>([]);
  const [filters, setFilters] = useState({ q: '', site: '', tag: '', folder: '' });
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();

  const guard = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.problem.status === 401) {
        onLoggedOut();
        return;
      }
      setError(describe(err));
    }
  };
  /** Searches with the given filters (the form's values at submit time), or the current state. */
  const search = (given: Record<string, string> = filters) =>
    guard(async () => {
      const params = new URLSearchParams(Object.entries(given).filter(([, v]) => v.trim() !== ''));
      const { data } = await request<{ items: Meta[]; unreadable?: Unreadable[] }>(
        'GET',
        `/v1/secrets?${params}`,
      );
      setItems(data.items);
      setUnreadable(data.unreadable ?? []);
    });
  useEffect(() => {
    void search();
  }, []);
  const go = (next: View) => {
    setStatus(undefined);
    setError(undefined);
    setView(next);
  };

  return (
    <div class="layout">
      <header>
        <h1>kmsvault</h1>
        <nav aria-label="Vault">
          <button type="button" onClick={() => go({ kind: 'edit' })}>
            Add
          </button>
          <button
            type="button"
            onClick={() => {
              go({ kind: 'list' });
              void search();
            }}
          >
            Secrets
          </button>
          <button type="button" onClick={() => go({ kind: 'trash' })}>
            Trash
          </button>
          <button type="button" onClick={() => go({ kind: 'transfer' })}>
            Import and export
          </button>
          <button type="button" onClick={() => go({ kind: 'account' })}>
            Account
          </button>
          <button type="button" onClick={() => void logout().then(onLoggedOut)}>
            Log out
          </button>
        </nav>
      </header>
      <main>
        <Alert message={error} />
        {status ? (
          <p class="status" role="status">
            {status}
          </p>
        ) : null}
        {view.kind === 'list' ? (
          <section aria-labelledby="list-title">
            <h2 id="list-title">Secrets</h2>
            <form
              class="search"
              onSubmit={(e) => {
                e.preventDefault();
                // Read the inputs themselves: what the user sees is what is searched for.
                const form = e.currentTarget as HTMLFormElement;
                const value = (name: string) =>
                  (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
                void search({
                  q: value('q'),
                  site: value('site'),
                  tag: value('tag'),
                  folder: value('folder'),
                });
              }}
            >
              {SEARCH_FIELDS.map(([id, label]) => (
                <Field
                  key={id}
                  id={id}
                  label={label}
                  value={filters[id]}
                  onInput={(value) => setFilters((current) => ({ ...current, [id]: value }))}
                />
              ))}
              <button type="submit">Search</button>
            </form>
            <UnreadableWarning items={unreadable} />
            {items.length === 0 ? <p>No secrets found.</p> : null}
            <ul class="items">
              {items.map((s) => (
                <li key={s.id}>
                  <button type="button" class="link" onClick={() => go({ kind: 'detail', id: s.id })}>
                    {s.name}
                  </button>
                  <span class="meta">{[s.username, s.url].filter(Boolean).join(' · ')}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {view.kind === 'detail' ? <Detail id={view.id} go={go} guard={guard} setStatus={setStatus} /> : null}
        {view.kind === 'edit' ? <Editor id={view.id} go={go} guard={guard} setStatus={setStatus} /> : null}
        {view.kind === 'history' ? (
          <History id={view.id} go={go} guard={guard} setStatus={setStatus} />
        ) : null}
        {view.kind === 'trash' ? <Trash guard={guard} setStatus={setStatus} /> : null}
        {view.kind === 'transfer' ? <Transfer guard={guard} setStatus={setStatus} /> : null}
        {view.kind === 'account' ? <Account guard={guard} setStatus={setStatus} /> : null}
      </main>
    </div>
  );
}

type Ctx = { guard: (w: () => Promise<void>) => Promise<void>; setStatus: (s: string | undefined) => void };
type Nav = Ctx & { go: (v: View) => void };

function Detail({ id, go, guard, setStatus }: Nav & { id: string }) {
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

function Editor({ id, go, guard, setStatus }: Nav & { id?: string }) {
  const [draft, setDraft] = useState<Draft>(emptyDraft());
  const [etag, setEtag] = useState<string | null>(null);
  const [entropy, setEntropy] = useState<number>();
  const [loaded, setLoaded] = useState(id === undefined);
  useEffect(() => {
    if (id === undefined) return;
    void guard(async () => {
      const { data, etag: tag } = await request<Secret>('GET', `/v1/secrets/${id}`);
      setEtag(tag);
      setLoaded(true);
      setDraft({
        name: data.name,
        url: data.url ?? '',
        username: data.username ?? '',
        password: data.password ?? '',
        notes: data.notes ?? '',
        tags: data.tags.join(', '),
        folder: data.folder ?? '',
      });
    });
  }, [id]);
  const set = (field: keyof Draft) => (value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));
  const generate = () =>
    guard(async () => {
      const { data } = await request<{ password: string; entropyBits: number }>('POST', '/v1/generate', {
        length: 20,
      });
      setDraft((current) => ({ ...current, password: data.password }));
      setEntropy(data.entropyBits);
    });
  const save = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      if (id === undefined) {
        const { data } = await request<{ id: string }>('POST', '/v1/secrets', toBody(draft), {
          'idempotency-key': idempotencyKey(),
        });
        go({ kind: 'detail', id: data.id });
      } else {
        await request('PUT', `/v1/secrets/${id}`, toBody(draft), { 'if-match': etag ?? '' });
        go({ kind: 'detail', id });
      }
      setStatus(`Saved "${draft.name}".`);
    });
  };
  if (!loaded) return <p>Loading…</p>;
  return (
    <form onSubmit={save} aria-labelledby="edit-title">
      <h2 id="edit-title">{id ? 'Edit secret' : 'New secret'}</h2>
      <Field id="name" label="Name" value={draft.name} onInput={set('name')} />
      <Field id="url" label="Site address" value={draft.url} onInput={set('url')} />
      <Field
        id="secret-username"
        label="Username for the site"
        value={draft.username}
        onInput={set('username')}
      />
      <div class="with-button">
        <Field
          id="secret-password"
          label="Password for the site"
          value={draft.password}
          onInput={set('password')}
        />
        <button type="button" onClick={() => void generate()}>
          Generate
        </button>
      </div>
      {entropy !== undefined ? <p class="hint">Generated: about {entropy} bits of entropy.</p> : null}
      <Field id="notes" label="Notes" value={draft.notes} onInput={set('notes')} multiline />
      <Field id="tags" label="Tags (comma-separated)" value={draft.tags} onInput={set('tags')} />
      <Field id="folder-name" label="Folder" value={draft.folder} onInput={set('folder')} />
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" onClick={() => go(id ? { kind: 'detail', id } : { kind: 'list' })}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function History({ id, go, guard, setStatus }: Nav & { id: string }) {
  const [versions, setVersions] = useState<{ version: number; updatedAt: string; name?: string }[]>([]);
  useEffect(() => {
    void guard(async () => {
      const { data } = await request<{ items: { version: number; updatedAt: string }[] }>(
        'GET',
        `/v1/secrets/${id}/versions`,
      );
      const named = await Promise.all(
        data.items.map(async (v) => ({
          ...v,
          name: (await request<Secret>('GET', `/v1/secrets/${id}/versions/${v.version}`)).data.name,
        })),
      );
      setVersions(named);
    });
  }, [id]);
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ol class="items">
        {versions.map((v, i) => (
          <li key={v.version}>
            <span>
              Version {v.version}: “{v.name}” ({new Date(v.updatedAt).toLocaleString()})
            </span>
            {i > 0 ? (
              <button
                type="button"
                onClick={() =>
                  void guard(async () => {
                    await request('POST', `/v1/secrets/${id}/versions/${v.version}/restore`);
                    go({ kind: 'detail', id });
                    setStatus(`Restored version ${v.version} as a new version.`);
                  })
                }
              >
                Restore
              </button>
            ) : (
              <span class="meta"> (current)</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Trash({ guard, setStatus }: Ctx) {
  const [items, setItems] = useState<(Meta & { purgeAt: string })[]>([]);
  const [unreadable, setUnreadable] = useState<Unreadable[]>([]);
  const load = () =>
    guard(async () => {
      const { data } = await request<{ items: (Meta & { purgeAt: string })[]; unreadable?: Unreadable[] }>(
        'GET',
        '/v1/trash',
      );
      setItems(data.items);
      setUnreadable(data.unreadable ?? []);
    });
  useEffect(() => {
    void load();
  }, []);
  return (
    <section aria-labelledby="trash-title">
      <h2 id="trash-title">Trash</h2>
      <UnreadableWarning items={unreadable} />
      {items.length === 0 ? <p>The trash is empty.</p> : null}
      <ul class="items">
        {items.map((s) => (
          <li key={s.id}>
            <span>
              {s.name}{' '}
              <span class="meta">(deleted for good on {new Date(s.purgeAt).toLocaleDateString()})</span>
            </span>
            <button
              type="button"
              onClick={() =>
                void guard(async () => {
                  await request('POST', `/v1/trash/${s.id}/restore`);
                  setStatus(`Restored "${s.name}".`);
                  await load();
                })
              }
            >
              Restore
            </button>
            <button
              type="button"
              onClick={() =>
                void guard(async () => {
                  await request('DELETE', `/v1/trash/${s.id}`);
                  setStatus(`Deleted "${s.name}" for good.`);
                  await load();
                })
              }
            >
              Delete for good
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Transfer({ guard, setStatus }: Ctx) {
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

function Account({ guard, setStatus }: Ctx) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      await request('POST', '/v1/account/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setStatus('Password changed. Your other sessions have been logged out.');
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="account-title">
      <h2 id="account-title">Change login password</h2>
      <Field
        id="current-password"
        label="Current password"
        type="password"
        value={current}
        onInput={setCurrent}
        autoComplete="current-password"
      />
      <Field
        id="new-password"
        label="New password"
        type="password"
        value={next}
        onInput={setNext}
        autoComplete="new-password"
      />
      <button type="submit">Change password</button>
    </form>
  );
}

function App() {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn());
  return loggedIn ? (
    <Vault onLoggedOut={() => setLoggedIn(false)} />
  ) : (
    <AuthScreen onLoggedIn={() => setLoggedIn(true)} />
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
