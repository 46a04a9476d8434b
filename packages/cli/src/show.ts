import { CliError, EXIT } from './errors';

/** An item as GET /v1/secrets/{id} returns it, read loosely: every type's members are optional. */
type Item = Record<string, unknown> & { id: string; name: string; version: number };
type Section = Record<string, string | undefined>;

const LABELS: Record<string, string> = {
  cardholderName: 'cardholder',
  expMonth: 'expires',
  privateKey: 'private key',
  publicKey: 'public key',
};

/** The fields `get --field` can show: top-level text members and `section.member` of card, identity and sshKey. */
export function fieldOf(item: Item, field: string): string {
  const [section, member, extra] = field.split('.');
  if (
    extra === undefined &&
    member !== undefined &&
    ['card', 'identity', 'sshKey'].includes(section as string)
  ) {
    const value = (item[section as string] as Section | undefined)?.[member];
    if (value === undefined) throw new CliError(`the secret has no ${field}`, EXIT.notFound);
    return value;
  }
  if (field === 'url') {
    const first = uris(item)[0];
    if (first === undefined) throw new CliError('the secret has no url', EXIT.notFound);
    return first;
  }
  if (field === 'uris') return uris(item).join('\n');
  if (!['password', 'username', 'notes', 'name', 'folder', 'totp', 'type'].includes(field)) {
    throw new CliError(
      `--field must be one of password, username, url, uris, notes, name, folder, totp, type, or card.<member>, identity.<member>, sshKey.<member>; got ${field}`,
      EXIT.usage,
    );
  }
  const value = item[field];
  if (value === undefined) throw new CliError(`the secret has no ${field}`, EXIT.notFound);
  return String(value);
}

/** The item for people: its common members, its type's own, custom fields (hidden ones shown, as `get` shows passwords). */
export function render(item: Item): string {
  const line = (label: string, value: unknown) =>
    value === undefined || value === ''
      ? undefined
      : `${(label === '' ? '' : `${label}:`).padEnd(Math.max(10, label.length + 2))}${String(value)}`;
  const type = (item.type as string | undefined) ?? 'login';
  const lines: (string | undefined)[] = [
    `${item.name} (${type}, ${item.id}, version ${item.version})${item.favorite ? '  ★' : ''}`,
  ];
  for (const [i, uri] of urisWithMatch(item).entries()) lines.push(line(i === 0 ? 'url' : '', uri));
  lines.push(line('username', item.username), line('password', item.password));
  if (item.totp !== undefined) lines.push(line('totp', 'set (kmsvault totp shows the code)'));
  for (const section of ['card', 'identity', 'sshKey'] as const) {
    const members = item[section] as Section | undefined;
    if (members === undefined) continue;
    const shown = { ...members };
    if (section === 'card' && shown.expMonth !== undefined) {
      shown.expMonth = `${shown.expMonth.padStart(2, '0')}/${shown.expYear ?? ''}`;
      delete shown.expYear;
    }
    for (const [k, v] of Object.entries(shown)) {
      lines.push(String(v).includes('\n') ? `${LABELS[k] ?? k}:\n${v}` : line(LABELS[k] ?? k, v));
    }
  }
  const fields =
    (item.fields as { name: string; value?: string; type: string; linked?: string }[] | undefined) ?? [];
  for (const f of fields) lines.push(line(f.name, f.type === 'linked' ? `→ ${f.linked}` : (f.value ?? '')));
  lines.push(
    line('tags', ((item.tags as string[] | undefined) ?? []).join(', ')),
    line('folder', item.folder),
    item.notes ? `notes:\n${item.notes}` : undefined,
  );
  const history = (item.passwordHistory as unknown[] | undefined) ?? [];
  if (history.length > 0)
    lines.push(line('history', `${history.length} earlier password(s) (--json shows them)`));
  return lines.filter((l) => l !== undefined).join('\n');
}

function uris(item: Item): string[] {
  const list = item.uris as { uri: string }[] | undefined;
  if (list !== undefined) return list.map((u) => u.uri);
  return typeof item.url === 'string' ? [item.url] : [];
}

function urisWithMatch(item: Item): string[] {
  const list = item.uris as { uri: string; match?: string }[] | undefined;
  if (list === undefined) return uris(item);
  return list.map((u) => (u.match && u.match !== 'domain' ? `${u.uri}  (${u.match})` : u.uri));
}
