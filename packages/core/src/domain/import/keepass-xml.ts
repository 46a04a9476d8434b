import { XMLParser } from 'fast-xml-parser';
import { ValidationError } from '../errors';
import { prune, splitTags } from './candidate';
import { hostOf } from './mapped-csv';
import type { RowCandidate } from './types';

/** A KeePass `<String>`: its key, its text, and whether KeePass protects it in memory (a secret). */
interface KpString {
  readonly key: string;
  readonly value: string;
  readonly protected: boolean;
}

type Node = Record<string, unknown>;

/** The strings every entry has, and where they go. */
const STANDARD = new Set(['Title', 'UserName', 'Password', 'URL', 'Notes']);
/** KeePass 2.47+ TOTP settings: one otpauth:// URI of ours. */
const TIME_OTP = /^TimeOtp-(Secret(-Base32|-Hex|-Base64)?|Algorithm|Length|Period)$/;
/** Further URLs of an entry (KeePass2Android, KeePassXC browser integration). */
const EXTRA_URL = /^(KP2A_URL(_\d+)?|URL_\d+)$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Values keep their spaces: a password may begin or end with one.
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => ['Group', 'Entry', 'String', 'Binary'].includes(name),
});

const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && typeof (value as Node)['#text'] === 'string')
    return (value as Node)['#text'] as string;
  return '';
};

const list = (value: unknown): Node[] => (Array.isArray(value) ? (value as Node[]) : []);

function stringsOf(entry: Node): KpString[] {
  return list(entry.String).map((s) => ({
    key: text(s.Key),
    value: text(s.Value),
    protected:
      typeof s.Value === 'object' && s.Value !== null && (s.Value as Node)['@ProtectInMemory'] === 'True',
  }));
}

/** KeePass's TOTP settings as an otpauth:// URI (the secret in base32, as KeePass stores it by default). */
function timeOtp(strings: ReadonlyMap<string, KpString>): string | undefined {
  const secret = strings.get('TimeOtp-Secret-Base32')?.value;
  if (!secret) return undefined;
  const params = new URLSearchParams({ secret: secret.replace(/\s/g, '') });
  const algorithm = strings.get('TimeOtp-Algorithm')?.value.replace(/^HMAC-/, '');
  if (algorithm) params.set('algorithm', algorithm);
  const digits = strings.get('TimeOtp-Length')?.value;
  if (digits) params.set('digits', digits);
  const period = strings.get('TimeOtp-Period')?.value;
  if (period) params.set('period', period);
  return `otpauth://totp/?${params}`;
}

/** ISO time of a KeePass time: XML files write ISO 8601; KDBX 4 exports may write base64 seconds, which stay undated. */
function isoTime(value: string): string | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function readEntry(row: number, entry: Node, folder: string | undefined): RowCandidate {
  const strings = new Map(stringsOf(entry).map((s) => [s.key, s]));
  const value = (key: string) => strings.get(key)?.value || undefined;
  const password = value('Password');
  const history = list((entry.History as Node | undefined)?.Entry)
    .map((old) => ({
      strings: new Map(stringsOf(old).map((s) => [s.key, s.value])),
      at: isoTime(text((old.Times as Node | undefined)?.LastModificationTime)),
    }))
    .reverse(); // KeePass lists the oldest first; ours is newest first
  const passwordHistory = history
    .filter((h) => h.strings.get('Password') && h.strings.get('Password') !== password && h.at !== undefined)
    .map((h) => ({ password: h.strings.get('Password') as string, lastUsedDate: h.at as string }))
    .filter((h, i, all) => all.findIndex((o) => o.password === h.password) === i)
    .slice(0, 32);
  // Earlier values of other strings have no place in an item: named, never quoted.
  const dropped = history.flatMap((h, i) =>
    [...h.strings]
      .filter(([key, v]) => key !== 'Password' && v !== '' && v !== (strings.get(key)?.value ?? ''))
      .map(([key]) => `History[${i}].${key}`),
  );
  dropped.push(...list(entry.Binary).map((_, i) => `Binary[${i}] (an attachment)`));
  const extraUrls = [...strings.values()]
    .filter((s) => EXTRA_URL.test(s.key) && s.value !== '')
    .map((s) => s.value);
  const fields = [...strings.values()]
    .filter((s) => !STANDARD.has(s.key) && !TIME_OTP.test(s.key) && !EXTRA_URL.test(s.key) && s.key !== 'otp')
    .filter((s) => s.value !== '')
    .map((s) => ({ name: s.key, value: s.value, type: s.protected ? 'hidden' : 'text' }));
  const times = entry.Times as Node | undefined;
  if (text(times?.Expires) === 'True' && text(times?.ExpiryTime))
    fields.push({ name: 'Expires', value: text(times?.ExpiryTime), type: 'text' });
  const urls = [value('URL'), ...extraUrls].filter((u): u is string => u !== undefined);
  const candidate = prune({
    type: 'login',
    name: value('Title') ?? hostOf(value('URL')) ?? `Entry ${row}`,
    uris: urls.length > 0 ? urls.map((uri) => ({ uri })) : undefined,
    username: value('UserName'),
    password,
    totp: value('otp') ?? timeOtp(strings),
    notes: value('Notes'),
    folder,
    tags: splitTags(text(entry.Tags).replace(/;/g, ',')),
    fields: fields.length > 0 ? fields : undefined,
    passwordHistory: passwordHistory.length > 0 ? passwordHistory : undefined,
  });
  return { row, dropped, candidate };
}

/**
 * KeePass 2's XML export (KeePass 2.x "KeePass XML (2.x)", KeePassXC "XML"),
 * entry by entry in document order. A group path is the folder (the
 * database's root group left out); the five standard strings map to ours,
 * `otp` (KeePassXC) and KeePass's TimeOtp-* settings to the TOTP, extra URL
 * strings to more URIs, every other string to a custom field (hidden when
 * KeePass protects it in memory), an expiry to an `Expires` field, and the
 * passwords of the entry's history to its password history. Attachments and
 * earlier values of other strings are named in the row's warning.
 * A DOCTYPE is refused (KeePass writes none; entities could expand without end).
 */
export function keepassXmlRows(content: string): RowCandidate[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(content))
    throw new ValidationError('The XML declares a DOCTYPE or entities, which a KeePass export never has.', [
      { path: 'content', message: 'has a DOCTYPE' },
    ]);
  let doc: Node;
  try {
    doc = parser.parse(content, true) as Node;
  } catch (err) {
    // The parser's message ends ":line:column" (its text names tags, which are the format's, not the person's).
    const line = /:(\d+):\d+$/.exec(String(err))?.[1];
    throw new ValidationError(`The XML could not be read${line === undefined ? '' : ` at line ${line}`}.`, [
      { path: 'content', message: 'is not valid XML' },
    ]);
  }
  const root = (doc.KeePassFile as Node | undefined)?.Root as Node | undefined;
  if (root === undefined)
    throw new ValidationError('The XML is not a KeePass export: it has no KeePassFile with a Root.', [
      { path: 'content', message: 'has no KeePassFile/Root' },
    ]);
  const rows: RowCandidate[] = [];
  const walk = (group: Node, path: readonly string[]) => {
    const folder = path.length > 0 ? path.join('/') : undefined;
    for (const entry of list(group.Entry)) rows.push(readEntry(rows.length + 1, entry, folder));
    for (const child of list(group.Group)) walk(child, [...path, text(child.Name) || 'Group']);
  };
  for (const top of list(root.Group)) walk(top, []);
  return rows;
}
