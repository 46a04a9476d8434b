import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../import/csv-safety';
import type { Secret } from '../secret-schema';

/** Bitwarden's CSV columns, in its order. */
export const BITWARDEN_CSV_COLUMNS = [
  'folder',
  'favorite',
  'type',
  'name',
  'notes',
  'fields',
  'reprompt',
  'login_uri',
  'login_username',
  'login_password',
  'login_totp',
] as const;

type Column = (typeof BITWARDEN_CSV_COLUMNS)[number];

/** A card's, identity's or SSH key's members, and the password history, as `name: value` lines. */
function memberLines(s: Secret): string[] {
  const section =
    s.card ??
    s.identity ??
    (s.sshKey ? { publicKey: s.sshKey.publicKey, fingerprint: s.sshKey.fingerprint } : {});
  return [
    ...Object.entries(section).flatMap(([k, v]) => (v ? [`${k}: ${v}`] : [])),
    ...(s.passwordHistory ?? []).map((h) => `password history (until ${h.lastUsedDate}): ${h.password}`),
  ];
}

/**
 * Bitwarden's CSV, safe to open in a spreadsheet: every cell goes through
 * {@link neutraliseCell} (a formula is written as text, `'=…`), which the
 * bitwarden-csv import undoes exactly. Bitwarden's CSV knows logins and
 * notes only, so nothing is lost: a card, identity or SSH key is a note whose
 * members are `name: value` lines in `fields` (a private key, many lines
 * long, goes at the end of the notes), as is the password history; tags are
 * a `tags: a,b` line and custom fields their own lines; every URI is in
 * `login_uri`, comma-separated, as Bitwarden writes several.
 */
export function exportCsv(secrets: readonly Secret[]): string {
  const rows = secrets.map((s): Record<Column, string> => {
    const login = (s.type ?? 'login') === 'login';
    const uris = s.uris?.map((u) => u.uri) ?? (s.url ? [s.url] : []);
    const fields = [
      ...(s.tags.length > 0 ? [`tags: ${s.tags.join(',')}`] : []),
      ...(s.fields ?? []).map(
        (f) => `${f.name}: ${f.type === 'linked' ? `(linked to ${f.linked})` : (f.value ?? '')}`,
      ),
      ...memberLines(s),
    ];
    const notes = [s.notes, s.sshKey ? s.sshKey.privateKey : undefined].filter(Boolean).join('\n\n');
    const row: Record<Column, string> = {
      folder: s.folder ?? '',
      favorite: s.favorite ? '1' : '',
      type: login ? 'login' : 'note',
      name: s.name,
      notes,
      fields: fields.join('\n'),
      reprompt: '0',
      login_uri: uris.join(','),
      login_username: s.username ?? '',
      login_password: s.password ?? '',
      login_totp: s.totp ?? '',
    };
    for (const column of BITWARDEN_CSV_COLUMNS) row[column] = neutraliseCell(row[column]);
    return row;
  });
  return stringify(rows, { header: true, columns: [...BITWARDEN_CSV_COLUMNS] });
}
