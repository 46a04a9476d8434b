import type { ItemType } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { idempotencyKey, request } from './api';
import { CardEditor, CustomFieldsEditor, IdentityEditor, LoginEditor, SshKeyEditor } from './editor-sections';
import { bodyOf, type Draft, draftOf, emptyDraft, type Item } from './item-draft';
import type { Nav } from './navigation';
import { Field } from './ui';

const TYPES: [ItemType, string][] = [
  ['login', 'Login'],
  ['note', 'Secure note'],
  ['card', 'Card'],
  ['identity', 'Identity'],
  ['sshKey', 'SSH key'],
];

/**
 * The form that creates an item of any type, or edits one (with its ETag).
 * An edit starts from the item as read and sends back what the form does
 * not show (the password history), so saving never drops a field.
 */
export function Editor({ id, go, guard, setStatus }: Nav & { id?: string }) {
  const [draft, setDraft] = useState<Draft>(emptyDraft());
  const [original, setOriginal] = useState<Item>();
  const [etag, setEtag] = useState<string | null>(null);
  const [entropy, setEntropy] = useState<number>();
  const [loaded, setLoaded] = useState(id === undefined);
  useEffect(() => {
    if (id === undefined) return;
    void guard(async () => {
      const { data, etag: tag } = await request<Item>('GET', `/v1/secrets/${id}`);
      setEtag(tag);
      setOriginal(data);
      setDraft(draftOf(data));
      setLoaded(true);
    });
  }, [id]);
  const update = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const generate = () =>
    void guard(async () => {
      const { data } = await request<{ password: string; entropyBits: number }>('POST', '/v1/generate', {
        length: 20,
      });
      update({ password: data.password });
      setEntropy(data.entropyBits);
    });
  const save = (e: Event) => {
    e.preventDefault();
    void guard(async () => {
      const body = bodyOf(draft, original);
      if (id === undefined) {
        const { data } = await request<{ id: string }>('POST', '/v1/secrets', body, {
          'idempotency-key': idempotencyKey(),
        });
        go({ kind: 'detail', id: data.id });
      } else {
        await request('PUT', `/v1/secrets/${id}`, body, { 'if-match': etag ?? '' });
        go({ kind: 'detail', id });
      }
      setStatus(`Saved "${draft.name}".`);
    });
  };
  if (!loaded) return <p>Loading…</p>;
  const props = { draft, update };
  return (
    <form onSubmit={save} aria-labelledby="edit-title">
      <h2 id="edit-title">{id ? 'Edit secret' : 'New secret'}</h2>
      <div class="field">
        <label for="item-type">Type</label>
        <select
          id="item-type"
          value={draft.type}
          onChange={(e) => update({ type: (e.target as HTMLSelectElement).value as ItemType })}
        >
          {TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <Field id="name" label="Name" value={draft.name} onInput={(v) => update({ name: v })} />
      {draft.type === 'login' ? <LoginEditor {...props} generate={generate} entropy={entropy} /> : null}
      {draft.type === 'card' ? <CardEditor {...props} /> : null}
      {draft.type === 'identity' ? <IdentityEditor {...props} /> : null}
      {draft.type === 'sshKey' ? <SshKeyEditor {...props} /> : null}
      <CustomFieldsEditor {...props} />
      <Field id="notes" label="Notes" value={draft.notes} onInput={(v) => update({ notes: v })} multiline />
      <Field
        id="tags"
        label="Tags (comma-separated)"
        value={draft.tags}
        onInput={(v) => update({ tags: v })}
      />
      <Field id="folder-name" label="Folder" value={draft.folder} onInput={(v) => update({ folder: v })} />
      <div class="field">
        <label>
          <input
            type="checkbox"
            checked={draft.favorite}
            onChange={(e) => update({ favorite: (e.target as HTMLInputElement).checked })}
          />{' '}
          Favourite
        </label>
      </div>
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" onClick={() => go(id ? { kind: 'detail', id } : { kind: 'list' })}>
          Cancel
        </button>
      </div>
    </form>
  );
}
