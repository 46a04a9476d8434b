import { useEffect, useState } from 'preact/hooks';
import { request } from './api';
import type { Item } from './item-draft';
import {
  CardSection,
  CustomFields,
  IdentitySection,
  LoginSection,
  PasswordHistory,
  SshKeySection,
} from './item-sections';
import type { Nav } from './navigation';

const TYPE_NAMES = {
  login: 'Login',
  note: 'Secure note',
  card: 'Card',
  identity: 'Identity',
  sshKey: 'SSH key',
};

/** One item of any type: its type's members (secrets masked until revealed, copy), custom fields, notes; edit, history and delete. */
export function Detail({ id, go, guard, setStatus }: Nav & { id: string }) {
  const [item, setItem] = useState<Item>();
  useEffect(() => {
    void guard(async () => setItem((await request<Item>('GET', `/v1/secrets/${id}`)).data));
  }, [id]);
  if (!item) return <p>Loading…</p>;
  const type = item.type ?? 'login';
  const props = { item, guard, setStatus };
  return (
    <section aria-labelledby="detail-title">
      <h2 id="detail-title">
        {item.name}
        {item.favorite ? (
          <span class="favorite" role="img" aria-label="favourite" title="Favourite">
            {' ★'}
          </span>
        ) : null}
      </h2>
      <p class="hint" data-testid="item-type">
        {TYPE_NAMES[type]}
      </p>
      <dl>
        {type === 'login' ? <LoginSection {...props} /> : null}
        {type === 'card' ? <CardSection {...props} /> : null}
        {type === 'identity' ? <IdentitySection {...props} /> : null}
        {type === 'sshKey' ? <SshKeySection {...props} /> : null}
        <CustomFields {...props} />
        <dt>Notes</dt>
        <dd class="notes">{item.notes ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{item.tags.join(', ') || '—'}</dd>
        <dt>Folder</dt>
        <dd>{item.folder ?? '—'}</dd>
        <dt>Version</dt>
        <dd>{item.version}</dd>
      </dl>
      <PasswordHistory {...props} />
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
              setStatus(`Moved "${item.name}" to the trash.`);
            })
          }
        >
          Delete
        </button>
      </div>
    </section>
  );
}
