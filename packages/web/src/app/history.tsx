import type { Secret } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { request } from './api';
import type { Nav } from './navigation';

/** The versions of a secret, each but the current one restorable. */
export function History({ id, go, guard, setStatus }: Nav & { id: string }) {
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
