import type { SecretMetadata as Meta } from '@kmsvault/core';
import type { Dispatch, StateUpdater } from 'preact/hooks';
import type { Unreadable } from './api';
import type { View } from './navigation';
import { Field, UnreadableWarning } from './ui';

/** The search form: filter (query parameter) and its label. */
const SEARCH_FIELDS = [
  ['q', 'Text'],
  ['site', 'Site'],
  ['tag', 'Tag'],
  ['folder', 'Folder'],
] as const;

/** The search filters, by query parameter. */
export type Filters = { q: string; site: string; tag: string; folder: string };

/** The secrets list and its search form; the vault owns the state. */
export function SecretList({
  items,
  unreadable,
  filters,
  setFilters,
  search,
  go,
}: {
  items: Meta[];
  unreadable: Unreadable[];
  filters: Filters;
  setFilters: Dispatch<StateUpdater<Filters>>;
  search: (given?: Record<string, string>) => Promise<void>;
  go: (next: View) => void;
}) {
  return (
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
  );
}
