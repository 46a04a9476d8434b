import type { SecretMetadata as Meta } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { request, type Unreadable } from './api';
import type { Ctx } from './navigation';
import { UnreadableWarning } from './ui';

/** The deleted secrets, each restorable or deletable for good. */
export function Trash({ guard, setStatus }: Ctx) {
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
