import * as z from 'zod';
import { ValidationError } from '../errors';
import { cardSchema, IDENTITY_FIELDS } from '../item-model';
import { prune, splitTags } from './candidate';
import { hasData, sortPaths, unknownPaths } from './dropped';
import { describeIssues, fieldPath, issueMessage } from './issues';
import type { RowCandidate } from './types';

/*
 * The shapes of an unencrypted Bitwarden export (bitwarden/clients,
 * libs/common/src/models/export): what this importer reads is checked; the
 * rest is kept loose and reported when it holds data (see `dropped.ts`).
 */

const text = z.string().nullish();

const uriSchema = z.looseObject({ uri: text, match: z.number().nullish() });

const fieldSchema = z.looseObject({
  name: text,
  value: text,
  type: z.number().nullish(),
  linkedId: z.number().nullish(),
});

const loginSchema = z.looseObject({
  uris: z.array(uriSchema).nullish(),
  username: text,
  password: text,
  totp: text,
});

const sectionSchema = z.record(z.string(), z.unknown());
const historySchema = z.looseObject({ password: text, lastUsedDate: text });

/** One item; a wrong member is that row's error. */
export const bitwardenItemSchema = z.looseObject({
  type: z.number().int().nullish(),
  name: text,
  notes: text,
  folderId: text,
  collectionIds: z.array(z.string()).nullish(),
  favorite: z.boolean().nullish(),
  login: loginSchema.nullish(),
  card: sectionSchema.nullish(),
  identity: sectionSchema.nullish(),
  sshKey: sectionSchema.nullish(),
  fields: z.array(fieldSchema).nullish(),
  passwordHistory: z.array(historySchema).nullish(),
});

/** The document; a wrong member is a 400 for the whole import. Items are checked one by one. */
export const bitwardenDocumentSchema = z.looseObject({
  encrypted: z.boolean().nullish(),
  folders: z.array(z.looseObject({ id: z.string(), name: z.string() })).nullish(),
  /** An organisation's export: its collections, which become folders. */
  collections: z.array(z.looseObject({ id: z.string(), name: z.string() })).nullish(),
  items: z.array(z.unknown()),
});

type Item = z.infer<typeof bitwardenItemSchema>;
type Login = z.infer<typeof loginSchema>;

/** Bitwarden's item type numbers of the types the vault holds; the others by the words a message uses. */
export const BITWARDEN_TYPES = { login: 1, note: 2, card: 3, identity: 4, sshKey: 5 } as const;
const HELD_TYPES = new Map(Object.entries(BITWARDEN_TYPES).map(([name, n]) => [n as number, name]));
const TYPE_NAMES: Readonly<Record<number, string>> = {
  6: 'a bank account',
  7: "a driver's licence",
  8: 'a passport',
};

/**
 * Item members read, or bookkeeping that holds nothing of the person's:
 * ids, dates, the note's kind and the item key (Bitwarden's own encryption).
 * Every other member that holds data is reported when dropped.
 */
const ITEM_READ = new Set([
  'type',
  'name',
  'notes',
  'folderId',
  'collectionIds',
  'favorite',
  'login',
  'card',
  'identity',
  'sshKey',
  'fields',
  'passwordHistory',
]);
const ITEM_BOOKKEEPING = [
  'id',
  'organizationId',
  'revisionDate',
  'creationDate',
  'deletedDate',
  'archivedDate',
  'key',
  'secureNote',
];
const ITEM_KNOWN = new Set([...ITEM_READ, ...ITEM_BOOKKEEPING]);
const LOGIN_KNOWN = new Set(['uris', 'username', 'password', 'totp', 'passwordRevisionDate']);
const URI_KNOWN = new Set(['uri', 'match']);
/** Members of a section the vault keeps (the SSH key's fingerprint is computed again); the rest is reported. */
const SECTION_KNOWN: Readonly<Record<'card' | 'identity' | 'sshKey', ReadonlySet<string>>> = {
  card: new Set(Object.keys(cardSchema.shape)),
  identity: new Set(IDENTITY_FIELDS),
  sshKey: new Set(['privateKey', 'publicKey', 'keyFingerprint']),
};
/** Bitwarden's URI match detection numbers, in order. */
export const BITWARDEN_MATCHES = ['domain', 'host', 'startsWith', 'exact', 'regex', 'never'] as const;
/** Bitwarden's custom field type numbers, in order. */
export const BITWARDEN_FIELD_TYPES = ['text', 'hidden', 'boolean', 'linked'] as const;
/** Bitwarden's linkedId of a login's username and password. */
export const BITWARDEN_LINKED = { username: 100, password: 101 } as const;

/** The JSON, checked as a whole: anything wrong outside the items is a 400 naming the member. */
function readDocument(content: string): z.infer<typeof bitwardenDocumentSchema> {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw new ValidationError('The Bitwarden export is not valid JSON.', [
      { path: 'content', message: 'is not JSON' },
    ]);
  }
  if (typeof doc === 'object' && doc !== null && (doc as { encrypted?: unknown }).encrypted === true) {
    throw new ValidationError('This is an encrypted Bitwarden export; export the vault again unencrypted.', [
      { path: 'content.encrypted', message: 'must be false: export unencrypted' },
    ]);
  }
  const parsed = bitwardenDocumentSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: fieldPath(i.path, 'content'),
      message: issueMessage(i),
    }));
    throw new ValidationError(
      `The Bitwarden export is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`,
      errors,
    );
  }
  return parsed.data;
}

/** Every URI with a value, with its match rule; a URI's other members that hold data are reported. */
function readUris(login: Login | null | undefined): {
  uris?: { uri: string; match?: string }[];
  dropped: string[];
} {
  const uris: { uri: string; match?: string }[] = [];
  const dropped: string[] = [];
  (login?.uris ?? []).forEach((u, i) => {
    if (!hasData(u.uri)) {
      if (hasData(u)) dropped.push(`login.uris[${i}]`);
      return;
    }
    const match = u.match === null || u.match === undefined ? undefined : BITWARDEN_MATCHES[u.match];
    if (u.match !== null && u.match !== undefined && match === undefined)
      dropped.push(`login.uris[${i}].match`);
    uris.push(match === undefined ? { uri: u.uri as string } : { uri: u.uri as string, match });
    dropped.push(...unknownPaths(u, URI_KNOWN, `login.uris[${i}]`));
  });
  return { uris: uris.length > 0 ? uris : undefined, dropped };
}

/** The first custom field named `tags` becomes the tags (our export writes them so); the others stay custom fields. */
function readFields(item: Item): { tags?: string[]; fields?: unknown[]; dropped: string[] } {
  const all = item.fields ?? [];
  const tagsAt = all.findIndex((f) => f.name === 'tags');
  const dropped: string[] = [];
  const fields = all.flatMap((f, i): Record<string, unknown>[] => {
    if (i === tagsAt || !hasData(f)) return [];
    const type = BITWARDEN_FIELD_TYPES[f.type ?? 0];
    if (type === undefined) {
      dropped.push(`fields[${i}]`);
      return [];
    }
    if (type === 'linked') {
      const linked = Object.entries(BITWARDEN_LINKED).find(([, n]) => n === f.linkedId)?.[0];
      if (linked === undefined) {
        dropped.push(`fields[${i}]`);
        return [];
      }
      return [{ name: f.name ?? '', type, linked }];
    }
    return [{ name: f.name ?? '', type, ...(hasData(f.value) ? { value: f.value } : {}) }];
  });
  return { tags: splitTags(all[tagsAt]?.value), fields: fields.length > 0 ? fields : undefined, dropped };
}

/** A card's, identity's or SSH key's members the vault keeps, and the paths of the others that hold data. */
function readSection(
  item: Item,
  section: 'card' | 'identity' | 'sshKey',
): { value?: Record<string, unknown>; dropped: string[] } {
  const raw = item[section];
  if (raw === null || raw === undefined) return { dropped: [] };
  const known = SECTION_KNOWN[section];
  const value = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => known.has(k) && k !== 'keyFingerprint' && hasData(v)),
  );
  return {
    value: Object.keys(value).length > 0 ? value : undefined,
    dropped: unknownPaths(raw, known, section),
  };
}

/** Folder and collection names by id. */
interface Places {
  readonly folders: ReadonlyMap<string, string>;
  readonly collections: ReadonlyMap<string, string>;
}

/**
 * Where an item goes: its folder, or (an organisation's export) its first
 * collection; when it is in collections besides its folder, or in several,
 * a `collections` text field names them all, so none is lost.
 */
function readPlace(
  item: Item,
  places: Places,
): { folder?: string; field?: { name: string; value: string; type: 'text' }; dropped: string[] } {
  const folderId = item.folderId ?? undefined;
  const ids = item.collectionIds ?? [];
  const names = ids.flatMap((id) => places.collections.get(id) ?? []);
  const dropped = [
    ...(folderId !== undefined && !places.folders.has(folderId) ? ['folderId'] : []),
    ...(names.length < ids.length ? ['collectionIds'] : []),
  ];
  const folder = (folderId === undefined ? undefined : places.folders.get(folderId)) ?? names[0];
  const more = names.length > 1 || (names.length === 1 && folder !== names[0]);
  return {
    folder,
    field: more ? { name: 'collections', value: names.join(', '), type: 'text' } : undefined,
    dropped,
  };
}

function readItem(row: number, raw: unknown, places: Places): RowCandidate {
  const parsed = bitwardenItemSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { row, error: describeIssues(parsed.error.issues, 'item') };
  // The schemas transform nothing, so the checked input is the item itself, with every own key
  // (zod's copy leaves out a JSON `__proto__` member, which must be reported, not lost).
  const item = raw as Item;
  const type = HELD_TYPES.get(item.type ?? 1);
  const { uris, dropped: uriDropped } = readUris(item.login);
  const { tags, fields, dropped: fieldDropped } = readFields(item);
  const sections = (['card', 'identity', 'sshKey'] as const).map((k) => [k, readSection(item, k)] as const);
  const place = readPlace(item, places);
  // A section of another type than the item's holds data the item cannot keep.
  const foreign = sections.filter(([k, sec]) => k !== type && sec.value !== undefined).map(([k]) => k);
  const loginForeign = type !== 'login' && item.login && hasData(item.login) ? ['login'] : [];
  const dropped = sortPaths([
    ...unknownPaths(item, ITEM_KNOWN),
    ...(type === 'login' && item.login ? unknownPaths(item.login, LOGIN_KNOWN, 'login') : []),
    ...(type === 'login' ? uriDropped : []),
    ...fieldDropped,
    ...sections.flatMap(([k, sec]) => (k === type ? sec.dropped : [])),
    ...foreign,
    ...loginForeign,
    ...place.dropped,
  ]);
  if (type === undefined) {
    const kind = TYPE_NAMES[item.type ?? 0] ?? `a type ${item.type}`;
    const lose = dropped.length > 0 ? `; it would lose ${dropped.join(', ')}` : '';
    return { row, error: `is ${kind} item, which kmsvault cannot hold yet${lose}` };
  }
  const section = sections.find(([k]) => k === type)?.[1].value;
  const history = (item.passwordHistory ?? []).filter((h) => hasData(h.password));
  return {
    row,
    dropped,
    candidate: prune({
      type,
      name: item.name,
      notes: item.notes,
      folder: place.folder,
      tags,
      favorite: item.favorite === true ? true : undefined,
      fields: place.field === undefined ? fields : [...(fields ?? []), place.field],
      passwordHistory: history.length > 0 ? history : undefined,
      ...(type === 'login'
        ? { uris, username: item.login?.username, password: item.login?.password, totp: item.login?.totp }
        : {}),
      ...(section !== undefined ? { [type]: section } : {}),
    }),
  };
}

/**
 * Bitwarden's unencrypted JSON export, item by item. A document whose shape
 * is wrong (not JSON, encrypted, no `items` array, a malformed folder) is a
 * ValidationError; a malformed item is that row's error, naming the member.
 * Logins, secure notes, cards, identities and SSH keys import with every
 * member; other item types are refused per row, naming what they would lose.
 */
export function bitwardenJsonRows(content: string): RowCandidate[] {
  const doc = readDocument(content);
  const places: Places = {
    folders: new Map((doc.folders ?? []).map((f) => [f.id, f.name])),
    collections: new Map((doc.collections ?? []).map((c) => [c.id, c.name])),
  };
  return doc.items.map((raw, i) => readItem(i + 1, raw, places));
}
