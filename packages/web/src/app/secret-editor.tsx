import type { Secret } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { idempotencyKey, request } from './api';
import type { Nav } from './navigation';
import { Field } from './ui';

type Draft = {
  name: string;
  url: string;
  username: string;
  password: string;
  notes: string;
  tags: string;
  folder: string;
};

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

/** The form that creates a secret, or edits one (with its ETag). */
export function Editor({ id, go, guard, setStatus }: Nav & { id?: string }) {
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
