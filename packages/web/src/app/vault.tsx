import type { SecretMetadata as Meta } from '@kmsvault/core';
import { useEffect, useState } from 'preact/hooks';
import { Account } from './account';
import { ApiError, logout, request, type Unreadable } from './api';
import { describe } from './describe';
import { History } from './history';
import type { View } from './navigation';
import { Detail } from './secret-detail';
import { Editor } from './secret-editor';
import { type Filters, SecretList } from './secret-list';
import { Transfer } from './transfer';
import { Trash } from './trash';
import { Alert } from './ui';

/** The logged-in vault: navigation, the error and status lines, and the current screen. */
export function Vault({ onLoggedOut }: { onLoggedOut: () => void }) {
  const [view, setView] = useState<View>({ kind: 'list' });
  const [items, setItems] = useState<Meta[]>([]);
  const [unreadable, setUnreadable] = useState<Unreadable[]>([]);
  const [filters, setFilters] = useState<Filters>({ q: '', site: '', tag: '', folder: '' });
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
          <SecretList
            items={items}
            unreadable={unreadable}
            filters={filters}
            setFilters={setFilters}
            search={search}
            go={go}
          />
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
