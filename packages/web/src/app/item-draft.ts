import type { Card, CustomField, Identity, ItemType, ItemUri } from '@kmsvault/core';

/** The identity's members and their labels, in Bitwarden's order (the type makes the list complete). */
export const IDENTITY_LABELS: Record<keyof Identity, string> = {
  title: 'Title',
  firstName: 'First name',
  middleName: 'Middle name',
  lastName: 'Last name',
  address1: 'Address 1',
  address2: 'Address 2',
  address3: 'Address 3',
  city: 'City',
  state: 'State or province',
  postalCode: 'Postal code',
  country: 'Country',
  company: 'Company',
  email: 'Email',
  phone: 'Phone',
  ssn: 'Social security number',
  username: 'Username',
  passportNumber: 'Passport number',
  licenseNumber: 'Licence number',
};
const IDENTITY_KEYS = Object.keys(IDENTITY_LABELS) as (keyof Identity)[];

/** The card's members and their labels. */
export const CARD_LABELS: Record<keyof Card, string> = {
  cardholderName: 'Cardholder',
  brand: 'Brand',
  number: 'Number',
  expMonth: 'Expiry month',
  expYear: 'Expiry year',
  code: 'Security code',
};
const CARD_KEYS = Object.keys(CARD_LABELS) as (keyof Card)[];

/** An item as GET /v1/secrets/{id} returns it, every type's members optional. */
export interface Item {
  id: string;
  version: number;
  name: string;
  type?: ItemType;
  url?: string;
  uris?: ItemUri[];
  username?: string;
  password?: string;
  totp?: string;
  notes?: string;
  tags: string[];
  folder?: string;
  favorite?: boolean;
  fields?: CustomField[];
  passwordHistory?: { password: string; lastUsedDate: string }[];
  card?: Card;
  identity?: Identity;
  sshKey?: { privateKey: string; publicKey?: string; fingerprint?: string };
  createdAt?: string;
  updatedAt?: string;
}

/** What the editor holds: every member as text the inputs edit. */
export interface Draft {
  type: ItemType;
  name: string;
  notes: string;
  tags: string;
  folder: string;
  favorite: boolean;
  uris: { uri: string; match: NonNullable<ItemUri['match']> }[];
  username: string;
  password: string;
  totp: string;
  fields: { name: string; value: string; type: CustomField['type']; linked: 'username' | 'password' }[];
  card: Record<keyof Card, string>;
  identity: Record<keyof Identity, string>;
  privateKey: string;
  publicKey: string;
}

export function emptyDraft(type: ItemType = 'login'): Draft {
  return {
    type,
    name: '',
    notes: '',
    tags: '',
    folder: '',
    favorite: false,
    uris: [{ uri: '', match: 'domain' }],
    username: '',
    password: '',
    totp: '',
    fields: [],
    card: Object.fromEntries(CARD_KEYS.map((k) => [k, ''])) as Draft['card'],
    identity: Object.fromEntries(IDENTITY_KEYS.map((k) => [k, ''])) as Draft['identity'],
    privateKey: '',
    publicKey: '',
  };
}

/** The editor's text of an item (an item without a type, or with one `url`, is a login with one URI). */
export function draftOf(item: Item): Draft {
  const draft = emptyDraft(item.type ?? 'login');
  const uris = item.uris ?? (item.url ? [{ uri: item.url }] : []);
  return {
    ...draft,
    name: item.name,
    notes: item.notes ?? '',
    tags: item.tags.join(', '),
    folder: item.folder ?? '',
    favorite: item.favorite ?? false,
    uris: uris.length > 0 ? uris.map((u) => ({ uri: u.uri, match: u.match ?? 'domain' })) : draft.uris,
    username: item.username ?? '',
    password: item.password ?? '',
    totp: item.totp ?? '',
    fields: (item.fields ?? []).map((f) => ({
      name: f.name,
      value: f.value ?? '',
      type: f.type,
      linked: f.linked ?? 'username',
    })),
    card: { ...draft.card, ...(item.card ?? {}) },
    identity: { ...draft.identity, ...(item.identity ?? {}) },
    privateKey: item.sshKey?.privateKey ?? '',
    publicKey: item.sshKey?.publicKey ?? '',
  };
}

/** Only the members with a value: an empty input is an absent member. */
function filled<T extends Record<string, string>>(o: T): Partial<T> | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v.trim() !== ''));
  return Object.keys(out).length > 0 ? (out as Partial<T>) : undefined;
}

/**
 * The body that creates or replaces the item: the draft's members for its
 * type, and, from the item as read, what the editor does not show (its
 * password history, which the server keeps and extends), so that saving an
 * edit never drops a field.
 */
export function bodyOf(draft: Draft, original?: Item): Record<string, unknown> {
  const tags = draft.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const body: Record<string, unknown> = { type: draft.type, name: draft.name };
  if (draft.notes) body.notes = draft.notes;
  if (tags.length > 0) body.tags = tags;
  if (draft.folder) body.folder = draft.folder;
  if (draft.favorite) body.favorite = true;
  const fields = draft.fields
    .filter((f) => f.name.trim() !== '' || f.value !== '')
    .map((f) =>
      f.type === 'linked'
        ? { name: f.name, type: f.type, linked: f.linked }
        : { name: f.name, type: f.type, ...(f.value !== '' ? { value: f.value } : {}) },
    );
  if (fields.length > 0) body.fields = fields;
  if (original?.passwordHistory && original.passwordHistory.length > 0)
    body.passwordHistory = original.passwordHistory;
  switch (draft.type) {
    case 'login': {
      const uris = draft.uris
        .filter((u) => u.uri.trim() !== '')
        .map((u) => (u.match === 'domain' ? { uri: u.uri.trim() } : { uri: u.uri.trim(), match: u.match }));
      if (uris.length > 0) body.uris = uris;
      if (draft.username) body.username = draft.username;
      if (draft.password) body.password = draft.password;
      if (draft.totp.trim()) body.totp = draft.totp.trim();
      break;
    }
    case 'card': {
      const card = filled(draft.card);
      if (card) body.card = card;
      break;
    }
    case 'identity': {
      const identity = filled(draft.identity);
      if (identity) body.identity = identity;
      break;
    }
    case 'sshKey':
      body.sshKey = {
        privateKey: draft.privateKey,
        ...(draft.publicKey.trim() ? { publicKey: draft.publicKey.trim() } : {}),
      };
      break;
    case 'note':
      break;
  }
  return body;
}

/** Only http(s) addresses open as links: a `javascript:` or `data:` URI stored in an item is shown, never followed. */
export function openableHref(uri: string): string | undefined {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(uri) ? uri : `https://${uri}`;
  try {
    const url = new URL(candidate);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
