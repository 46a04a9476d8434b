import { createHash } from 'node:crypto';
import type { SecretMetadata as Meta } from '@kmsvault/core';
import type { Context } from './context';
import { CliError, EXIT } from './errors';
import { secretFields } from './fields';
import { find } from './find';
import { fieldOf, render } from './show';
import { type Unreadable, warnUnreadable } from './unreadable';

/** `kmsvault ls`: lists the secrets, every page, filtered by the flags. */
export async function list({ client, io, out, values }: Context): Promise<number> {
  const items: Meta[] = [];
  const unreadable: Unreadable[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: '200' });
    if (values.search) params.set('q', values.search);
    if (values.site) params.set('site', values.site);
    if (values.tag?.[0]) params.set('tag', values.tag[0]);
    if (values.folder) params.set('folder', values.folder);
    if (cursor) params.set('cursor', cursor);
    const { data }: { data: { items: Meta[]; nextCursor: string | null; unreadable?: Unreadable[] } } =
      await client.call('GET', `/v1/secrets?${params}`);
    items.push(...data.items);
    unreadable.push(...(data.unreadable ?? []));
    cursor = data.nextCursor;
  } while (cursor !== null);
  warnUnreadable(unreadable, io);
  out(
    items
      .map((s) => `${s.id}  ${s.name}${s.username ? `  ${s.username}` : ''}${s.url ? `  ${s.url}` : ''}`)
      .join('\n') || '(no secrets)',
    items,
  );
  return EXIT.ok;
}

/** `kmsvault get`: shows a secret of any type, or one field of it (--field). */
export async function get({ arg, client, out, values }: Context): Promise<number> {
  const secret = (await find(client, arg('an id or a name'))) as unknown as Parameters<typeof render>[0];
  const field = values.field;
  if (field !== undefined) {
    const value = fieldOf(secret, field);
    out(value, { [field]: value });
    return EXIT.ok;
  }
  out(render(secret), secret);
  return EXIT.ok;
}

/** `kmsvault totp`: the item's current TOTP code and the seconds it stays valid, computed by the server. */
export async function totp({ arg, client, out }: Context): Promise<number> {
  const secret = await find(client, arg('an id or a name'));
  const { data } = await client.call<{ code: string; period: number; remaining: number }>(
    'GET',
    `/v1/secrets/${secret.id}/totp`,
  );
  out(`${data.code}  (${data.remaining} s left)`, data);
  return EXIT.ok;
}

/** `kmsvault add`: adds a secret from the flags, stdin or a prompt. */
export async function add({ client, command, io, out, values }: Context): Promise<number> {
  const body = await secretFields(command, values, io.stdin, io.stderr);
  if (body.name === undefined) throw new CliError('add needs --name (or a name in the JSON)', EXIT.usage);
  const { data } = await client.call<{ id: string; version: number }>('POST', '/v1/secrets', body, {
    'idempotency-key': createHash('sha256')
      .update(`${Date.now()}:${Math.random()}`)
      .digest('hex')
      .slice(0, 32),
  });
  out(`Added ${data.id}.`, data);
  return EXIT.ok;
}

/** `kmsvault edit`: changes the fields given, on the version read (if-match). */
export async function edit({ arg, client, command, io, out, values }: Context): Promise<number> {
  const current = await find(client, arg('an id or a name'));
  const changes = await secretFields(command, values, io.stdin, io.stderr);
  const { data } = await client.call<{ id: string; version: number }>(
    'PUT',
    `/v1/secrets/${current.id}`,
    edited(current as unknown as Record<string, unknown>, changes),
    { 'if-match': `"${current.version}"` },
  );
  out(`Saved ${data.id}, version ${data.version}.`, data);
  return EXIT.ok;
}

/**
 * The body of an edit: the item as read, without what the server sets (id,
 * version, timestamps, the SSH key's fingerprint, `url`, which is the first
 * of `uris`), with the changes over it; a card's, identity's or SSH key's
 * members change one by one, `--url` replaces the URIs.
 */
export function edited(
  current: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, url, ...fields } = current;
  if (fields.uris === undefined && typeof url === 'string') fields.uris = [{ uri: url }];
  const body: Record<string, unknown> = { ...fields, ...changes };
  for (const section of ['card', 'identity', 'sshKey'] as const) {
    if (fields[section] !== undefined && changes[section] !== undefined) {
      body[section] = { ...(fields[section] as object), ...(changes[section] as object) };
    }
  }
  if (body.sshKey !== undefined) {
    const { fingerprint: _f, ...key } = body.sshKey as Record<string, unknown>;
    body.sshKey = key;
  }
  return body;
}

/** `kmsvault rm`: moves a secret to the trash. */
export async function remove({ arg, client, out }: Context): Promise<number> {
  const secret = await find(client, arg('an id or a name'));
  await client.call('DELETE', `/v1/secrets/${secret.id}`);
  out(`Moved ${secret.name} to the trash.`, { id: secret.id, deleted: true });
  return EXIT.ok;
}

/** `kmsvault restore`: brings a secret back from the trash. */
export async function restore({ arg, client, out }: Context): Promise<number> {
  const id = arg('an id from kmsvault trash');
  const { data } = await client.call<{ id: string; version: number }>(
    'POST',
    `/v1/trash/${encodeURIComponent(id)}/restore`,
  );
  out(`Restored ${data.id}.`, data);
  return EXIT.ok;
}

/** `kmsvault history`: lists a secret's versions. */
export async function history({ arg, client, out }: Context): Promise<number> {
  const secret = await find(client, arg('an id or a name'));
  const { data } = await client.call<{ items: { version: number; updatedAt: string }[] }>(
    'GET',
    `/v1/secrets/${secret.id}/versions`,
  );
  out(data.items.map((v) => `version ${v.version}  ${v.updatedAt}`).join('\n'), data.items);
  return EXIT.ok;
}

/** `kmsvault trash`: lists the trash. */
export async function trash({ client, io, out }: Context): Promise<number> {
  const { data } = await client.call<{
    items: (Meta & { purgeAt: string })[];
    unreadable?: Unreadable[];
  }>('GET', '/v1/trash');
  warnUnreadable(data.unreadable ?? [], io);
  out(
    data.items.map((s) => `${s.id}  ${s.name}  (purged ${s.purgeAt})`).join('\n') || '(the trash is empty)',
    data.items,
  );
  return EXIT.ok;
}
