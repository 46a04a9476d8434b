import type { ItemUri } from '@kmsvault/core';
import { Fragment } from 'preact';
import { CARD_LABELS, type Draft, IDENTITY_LABELS } from './item-draft';
import { Field } from './ui';

type Props = { draft: Draft; update: (change: Partial<Draft>) => void };
type Match = NonNullable<ItemUri['match']>;

const MATCHES: [Match, string][] = [
  ['domain', 'Same site (registrable domain)'],
  ['host', 'Same host'],
  ['startsWith', 'Starts with'],
  ['exact', 'Exact'],
  ['regex', 'Regular expression'],
  ['never', 'Never'],
];

/** A login's URIs, each with its match rule, added and removed row by row; username, password (with the generator) and TOTP secret. */
export function LoginEditor({
  draft,
  update,
  generate,
  entropy,
}: Props & { generate: () => void; entropy?: number }) {
  const setUri = (i: number, change: Partial<Draft['uris'][number]>) =>
    update({ uris: draft.uris.map((u, j) => (j === i ? { ...u, ...change } : u)) });
  return (
    <>
      <fieldset>
        <legend>Site addresses</legend>
        {draft.uris.map((u, i) => (
          <div class="uri-row" key={`uri-${i}`}>
            <Field
              id={i === 0 ? 'url' : `url-${i}`}
              label={i === 0 ? 'Site address' : `Site address ${i + 1}`}
              value={u.uri}
              onInput={(v) => setUri(i, { uri: v })}
            />
            <label for={`match-${i}`}>Matches</label>
            <select
              id={`match-${i}`}
              value={u.match}
              onChange={(e) => setUri(i, { match: (e.target as HTMLSelectElement).value as Match })}
            >
              {MATCHES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            {draft.uris.length > 1 ? (
              <button
                type="button"
                aria-label={`Remove site address ${i + 1}`}
                onClick={() => update({ uris: draft.uris.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            ) : null}
          </div>
        ))}
        <button type="button" onClick={() => update({ uris: [...draft.uris, { uri: '', match: 'domain' }] })}>
          Add a site address
        </button>
      </fieldset>
      <Field
        id="secret-username"
        label="Username for the site"
        value={draft.username}
        onInput={(v) => update({ username: v })}
      />
      <div class="with-button">
        <Field
          id="secret-password"
          label="Password for the site"
          value={draft.password}
          onInput={(v) => update({ password: v })}
        />
        <button type="button" onClick={generate}>
          Generate
        </button>
      </div>
      {entropy !== undefined ? <p class="hint">Generated: about {entropy} bits of entropy.</p> : null}
      <Field
        id="totp"
        label="TOTP secret (base32 or otpauth:// URI)"
        value={draft.totp}
        onInput={(v) => update({ totp: v })}
      />
    </>
  );
}

/** A card's or an identity's members, one text input each, in the order of their labels. */
function SectionEditor<K extends 'card' | 'identity'>({
  draft,
  update,
  section,
  labels,
}: Props & { section: K; labels: Record<keyof Draft[K], string> }) {
  const values = draft[section] as Record<string, string>;
  return (
    <>
      {Object.entries(labels as Record<string, string>).map(([k, label]) => (
        <Field
          key={k}
          id={`${section}-${k}`}
          label={label}
          value={values[k] ?? ''}
          onInput={(v) => update({ [section]: { ...values, [k]: v } } as Partial<Draft>)}
        />
      ))}
    </>
  );
}

/** A card's members. */
export function CardEditor(props: Props) {
  return <SectionEditor {...props} section="card" labels={CARD_LABELS} />;
}

/** An identity's members. */
export function IdentityEditor(props: Props) {
  return <SectionEditor {...props} section="identity" labels={IDENTITY_LABELS} />;
}

/** An SSH key: the private key (required) and the public key; the server computes the fingerprint. */
export function SshKeyEditor({ draft, update }: Props) {
  return (
    <>
      <Field
        id="private-key"
        label="Private key"
        value={draft.privateKey}
        onInput={(v) => update({ privateKey: v })}
        multiline
      />
      <Field
        id="public-key"
        label="Public key"
        value={draft.publicKey}
        onInput={(v) => update({ publicKey: v })}
        multiline
      />
    </>
  );
}

/** Custom fields: a name, a kind (text, hidden, boolean, linked to the username or password) and a value, row by row. */
export function CustomFieldsEditor({ draft, update }: Props) {
  const setField = (i: number, change: Partial<Draft['fields'][number]>) =>
    update({ fields: draft.fields.map((f, j) => (j === i ? { ...f, ...change } : f)) });
  return (
    <fieldset>
      <legend>Custom fields</legend>
      {draft.fields.map((f, i) => (
        <Fragment key={`field-${i}`}>
          <div class="field-row">
            <Field
              id={`field-name-${i}`}
              label={`Field ${i + 1} name`}
              value={f.name}
              onInput={(v) => setField(i, { name: v })}
            />
            <label for={`field-type-${i}`}>Kind</label>
            <select
              id={`field-type-${i}`}
              value={f.type}
              onChange={(e) => setField(i, { type: (e.target as HTMLSelectElement).value as typeof f.type })}
            >
              <option value="text">Text</option>
              <option value="hidden">Hidden</option>
              <option value="boolean">Yes/no</option>
              <option value="linked">Linked</option>
            </select>
            {f.type === 'linked' ? (
              <select
                aria-label={`Field ${i + 1} links to`}
                value={f.linked}
                onChange={(e) =>
                  setField(i, { linked: (e.target as HTMLSelectElement).value as typeof f.linked })
                }
              >
                <option value="username">the username</option>
                <option value="password">the password</option>
              </select>
            ) : f.type === 'boolean' ? (
              <input
                type="checkbox"
                aria-label={`Field ${i + 1} value`}
                checked={f.value === 'true'}
                onChange={(e) =>
                  setField(i, { value: (e.target as HTMLInputElement).checked ? 'true' : 'false' })
                }
              />
            ) : (
              <Field
                id={`field-value-${i}`}
                label={`Field ${i + 1} value`}
                type={f.type === 'hidden' ? 'password' : 'text'}
                value={f.value}
                onInput={(v) => setField(i, { value: v })}
              />
            )}
            <button
              type="button"
              aria-label={`Remove field ${i + 1}`}
              onClick={() => update({ fields: draft.fields.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        </Fragment>
      ))}
      <button
        type="button"
        onClick={() =>
          update({ fields: [...draft.fields, { name: '', value: '', type: 'text', linked: 'username' }] })
        }
      >
        Add a field
      </button>
    </fieldset>
  );
}
