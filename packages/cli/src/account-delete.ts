import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from './client';
import { credentialsPath, removeCredentials, removeDeviceToken } from './config';
import type { Context } from './context';
import { CliError, EXIT } from './errors';
import { readLine } from './input';
import { withLock } from './lock';

/** Calls of DELETE /v1/account before giving up on a deletion the API reports unfinished (503). */
const DELETE_ATTEMPTS = 30;
/** The 503s that mean "call again": the deletion stopped partway, or a dependency was briefly down. */
const RESUMABLE = new Set(['account_deletion_incomplete', 'service_unavailable']);

/** What the account holds, counted before it is deleted. */
interface Holdings {
  readonly secrets: number;
  readonly trash: number;
}

/**
 * `kmsvault account delete`: deletes the logged-in account for good, after
 * the username typed as confirmation (unless --yes) and the password.
 * Prints what went: the secrets (with their versions), the trash, every
 * session, the account's keys; the stored tokens and known-device token
 * here go too.
 */
export async function deleteAccount(ctx: Context): Promise<number> {
  const { apiUrl, client, io, out, values } = ctx;
  const username = client.username;
  if (username === undefined) throw new CliError('not logged in; run kmsvault login', EXIT.auth);
  const confirmOnTerminal = !values.yes;
  if (confirmOnTerminal && (values['password-stdin'] || !io.stdin.isTTY)) {
    throw new CliError(
      'account delete asks for the username on a terminal to confirm; pass --yes to skip that',
      EXIT.usage,
    );
  }
  const held = await holdings(client);
  if (confirmOnTerminal) {
    io.stderr.write(
      `This deletes the account ${username} at ${apiUrl} for good: ${describe(held)}, every session ` +
        'and the account keys. It cannot be undone.\n',
    );
    const typed = await readLine(`Type the username (${username}) to confirm: `, io.stdin, io.stderr);
    if (typed.trim() !== username) {
      throw new CliError('the username typed does not match; nothing was deleted', EXIT.usage);
    }
  }
  const password = await ctx.password('Password: ');
  await deleteWithRetries(client, password);
  // The tokens are dead: forget them, and the known-device token of the account.
  await withLock(credentialsPath(io.env), async () => removeCredentials(io.env));
  removeDeviceToken(apiUrl, username, io.env);
  out(
    `Deleted the account ${username}: ${describe(held)}, every session and the account keys. ` +
      'The username is free. Backups of the vault table (point-in-time recovery) keep the deleted ' +
      'items for up to 35 days.',
    { deleted: true, username, secrets: held.secrets, trash: held.trash },
  );
  return EXIT.ok;
}

/** DELETE /v1/account, again while the API answers that the deletion is unfinished (503; it resumes). */
async function deleteWithRetries(client: Client, password: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.call('DELETE', '/v1/account', { password });
      return;
    } catch (err) {
      const resumable = err instanceof CliError && RESUMABLE.has(err.problemCode ?? '');
      if (!resumable || attempt >= DELETE_ATTEMPTS) throw err;
      await sleep(1_000);
    }
  }
}

/** The live secrets and the trash entries of the account, every page (unreadable ones too). */
async function holdings(client: Client): Promise<Holdings> {
  type Page = { items: unknown[]; nextCursor?: string | null; unreadable?: { id: string }[] };
  let secrets = 0;
  // The list names unreadable secrets on every page: counted once each.
  const unreadable = new Set<string>();
  let cursor: string | null | undefined = null;
  do {
    const params: URLSearchParams = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
    const { data }: { data: Page } = await client.call('GET', `/v1/secrets?${params}`);
    secrets += data.items.length;
    for (const u of data.unreadable ?? []) unreadable.add(u.id);
    cursor = data.nextCursor;
  } while (cursor);
  const trash = (await client.call<Page>('GET', '/v1/trash')).data;
  return {
    secrets: secrets + unreadable.size,
    trash: trash.items.length + (trash.unreadable?.length ?? 0),
  };
}

function describe(held: Holdings): string {
  const secrets =
    held.secrets === 1 ? '1 secret and its versions' : `${held.secrets} secrets and their versions`;
  return `${secrets}, ${held.trash} in the trash`;
}
