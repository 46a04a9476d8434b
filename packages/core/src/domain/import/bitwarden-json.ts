import * as z from 'zod';
import { ValidationError } from '../errors';
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

/** One item; a wrong member is that row's error. */
export const bitwardenItemSchema = z.looseObject({
  type: z.number().int().nullish(),
  name: text,
  notes: text,
  folderId: text,
  login: loginSchema.nullish(),
  fields: z.array(fieldSchema).nullish(),
});

/** The document; a wrong member is a 400 for the whole import. Items are checked one by one. */
export const bitwardenDocumentSchema = z.looseObject({
  encrypted: z.boolean().nullish(),
  folders: z.array(z.looseObject({ id: z.string(), name: z.string() })).nullish(),
  items: z.array(z.unknown()),
});

type Item = z.infer<typeof bitwardenItemSchema>;
type Login = z.infer<typeof loginSchema>;

/** Item types the vault holds (login, secure note); the others by the words a message uses. */
const HELD_TYPES = new Set([1, 2]);
const TYPE_NAMES: Readonly<Record<number, string>> = {
  3: 'a card',
  4: 'an identity',
  5: 'an SSH key',
  6: 'a bank account',
  7: "a driver's licence",
  8: 'a passport',
};

/**
 * Item members read, or bookkeeping that holds nothing of the person's:
 * ids, dates, the note's kind and the item key (Bitwarden's own encryption).
 * Every other member that holds data is reported when dropped.
 */
const ITEM_READ = new Set(['type', 'name', 'notes', 'folderId', 'login', 'fields']);
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
const LOGIN_KNOWN = new Set(['uris', 'username', 'password', 'passwordRevisionDate']);
const URI_KNOWN = new Set(['uri']);

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

/** The first URI with a value becomes `url`; every other one that holds data is reported. */
function readUris(login: Login | null | undefined): { url?: string; dropped: string[] } {
  const uris = login?.uris ?? [];
  const first = uris.findIndex((u) => hasData(u.uri));
  const dropped = uris.flatMap((u, i) =>
    i === first ? unknownPaths(u, URI_KNOWN, `login.uris[${i}]`) : hasData(u) ? [`login.uris[${i}]`] : [],
  );
  return { url: uris[first]?.uri ?? undefined, dropped };
}

/** The first custom field named `tags` becomes the tags; every other one that holds data is reported. */
function readFields(item: Item): { tags?: string[]; dropped: string[] } {
  const fields = item.fields ?? [];
  const tagsAt = fields.findIndex((f) => f.name === 'tags');
  const dropped = fields.flatMap((f, i) => (i !== tagsAt && hasData(f) ? [`fields[${i}]`] : []));
  return { tags: splitTags(fields[tagsAt]?.value), dropped };
}

function readItem(row: number, raw: unknown, folders: ReadonlyMap<string, string>): RowCandidate {
  const parsed = bitwardenItemSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { row, error: describeIssues(parsed.error.issues, 'item') };
  // The schemas transform nothing, so the checked input is the item itself, with every own key
  // (zod's copy leaves out a JSON `__proto__` member, which must be reported, not lost).
  const item = raw as Item;
  const { url, dropped: uriDropped } = readUris(item.login);
  const { tags, dropped: fieldDropped } = readFields(item);
  const folderId = item.folderId ?? undefined;
  const dropped = sortPaths([
    ...unknownPaths(item, ITEM_KNOWN),
    ...(item.login ? unknownPaths(item.login, LOGIN_KNOWN, 'login') : []),
    ...uriDropped,
    ...fieldDropped,
    ...(folderId !== undefined && !folders.has(folderId) ? ['folderId'] : []),
  ]);
  const type = item.type ?? 1;
  if (!HELD_TYPES.has(type)) {
    const kind = TYPE_NAMES[type] ?? `a type ${type}`;
    const lose = dropped.length > 0 ? `; it would lose ${dropped.join(', ')}` : '';
    return { row, error: `is ${kind} item, which kmsvault cannot hold yet${lose}` };
  }
  return {
    row,
    dropped,
    candidate: prune({
      name: item.name,
      url,
      username: item.login?.username,
      password: item.login?.password,
      notes: item.notes,
      folder: folderId === undefined ? undefined : folders.get(folderId),
      tags,
    }),
  };
}

/**
 * Bitwarden's unencrypted JSON export, item by item. A document whose shape
 * is wrong (not JSON, encrypted, no `items` array, a malformed folder) is a
 * ValidationError; a malformed item is that row's error, naming the member.
 * Logins and secure notes import; other item types are refused per row.
 */
export function bitwardenJsonRows(content: string): RowCandidate[] {
  const doc = readDocument(content);
  const folders = new Map((doc.folders ?? []).map((f) => [f.id, f.name]));
  return doc.items.map((raw, i) => readItem(i + 1, raw, folders));
}
