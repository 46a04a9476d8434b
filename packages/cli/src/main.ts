import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SecretMetadata as Meta, Secret } from '@kmsvault/core';
import { Client } from './client';
import {
  type Credentials,
  credentialsPath,
  localApiUrl,
  readCredentials,
  readDeviceToken,
  removeCredentials,
  writeCredentials,
  writeDeviceToken,
} from './config';
import { CliError, EXIT } from './errors';
import { refuseSecretArgs, secretFields, withoutNewline } from './fields';
import { readPassword, readStdin } from './input';
import { withLock } from './lock';
import { checkApiUrl } from './url';

export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export const USAGE = `usage: kmsvault <command> [options]

  signup                      create an account (--username, password prompted or --password-stdin)
  login                       log in (--username, password prompted or --password-stdin)
  logout                      end the session and remove the stored tokens
  whoami                      show who is logged in, where
  ls                          list secrets [--search TEXT] [--site HOST] [--tag TAG] [--folder NAME]
  get <id|name>               show a secret [--field password|username|url|notes|name]
  add                         add a secret from flags (--name, --url, --username, --tag…, --folder) with its
                              password from --ask-password (no echo) or --password-stdin and its notes from
                              --notes-stdin; or all of it as JSON on stdin (--stdin)
  edit <id|name>              change a secret the same way; only the fields given change
  rm <id|name>                move a secret to the trash
  restore <id>                bring a secret back from the trash
  history <id|name>           list a secret's versions
  trash                       list the trash
  gen                         generate a password [--length N] [--no-symbols] [--no-digits] [--exclude-ambiguous] or a passphrase [--words N] [--separator S]
  import <file>               import [--format bitwarden-json|bitwarden-csv|chrome-csv], with progress
  export                      export [--format json|csv] to stdout; a terminal needs --force

  --api-url URL               the API (or KMSVAULT_API_URL; default: the local stack's .kmsvault/local.json);
                              https://, or http:// on loopback only (localhost, 127.0.0.0/8, [::1])
  --json                      machine-readable output
  -h, --help                  this text

Secret values are never taken from the command line, where ps and shell history show them:
--password and --notes are refused.

exit codes: 0 ok, 1 unexpected, 2 usage, 3 auth, 4 not found, 5 conflict, 6 server or network, 7 rate limited`;

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IMPORT_BATCH = 100;

export async function run(argv: string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr.write(`kmsvault: ${err.message}\n`);
      return err.exitCode;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`kmsvault: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`kmsvault: unexpected error: ${(err as Error).message.split('\n')[0]}\n`);
    return EXIT.unexpected;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'api-url': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      'notes-stdin': { type: 'boolean', default: false },
      'ask-password': { type: 'boolean', default: false },
      search: { type: 'string' },
      site: { type: 'string' },
      tag: { type: 'string', multiple: true },
      folder: { type: 'string' },
      field: { type: 'string' },
      name: { type: 'string' },
      url: { type: 'string' },
      password: { type: 'string' },
      notes: { type: 'string' },
      stdin: { type: 'boolean', default: false },
      length: { type: 'string' },
      words: { type: 'string' },
      separator: { type: 'string' },
      'no-symbols': { type: 'boolean', default: false },
      'no-digits': { type: 'boolean', default: false },
      'no-uppercase': { type: 'boolean', default: false },
      'exclude-ambiguous': { type: 'boolean', default: false },
      format: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  refuseSecretArgs(command, values);
  const stored = readCredentials(io.env);
  const given =
    values['api-url'] ?? (io.env.KMSVAULT_API_URL || undefined) ?? stored?.apiUrl ?? localApiUrl(io.cwd);
  if (given === undefined) {
    throw new CliError(
      'no API address: pass --api-url, set KMSVAULT_API_URL, or run the local stack (pnpm start)',
      EXIT.usage,
    );
  }
  const apiUrl = checkApiUrl(given);
  const client = new Client(apiUrl, stored && stored.apiUrl === apiUrl ? stored : undefined, io.env);
  const out = (human: string, machine: unknown) =>
    io.stdout.write(values.json ? `${JSON.stringify(machine)}\n` : `${human}\n`);
  const arg = (what: string) => {
    if (rest[0] === undefined) throw new CliError(`${command} needs ${what}`, EXIT.usage);
    return rest[0];
  };
  const password = async (prompt: string) => {
    if (values['password-stdin']) return withoutNewline(await readStdin(io.stdin));
    if (!io.stdin.isTTY)
      throw new CliError('no terminal to ask for the password on; use --password-stdin', EXIT.usage);
    return readPassword(prompt, io.stdin, io.stderr);
  };
  const username = () => {
    if (values.username === undefined) throw new CliError(`${command} needs --username`, EXIT.usage);
    return values.username;
  };

  switch (command) {
    case 'signup': {
      const user = username();
      const { data } = await client.call<{ userId: string }>(
        'POST',
        '/v1/auth/signup',
        { username: user, password: await password('Password: ') },
        {},
        false,
      );
      out(`Account ${user} created.`, data);
      return EXIT.ok;
    }
    case 'login': {
      const user = username();
      // The known-device token from the last login here, sent only when there is one.
      const deviceToken = readDeviceToken(apiUrl, user, io.env);
      const { data } = await client.call<{ accessToken: string; refreshToken: string; deviceToken?: string }>(
        'POST',
        '/v1/auth/login',
        { username: user, password: await password('Password: '), ...(deviceToken ? { deviceToken } : {}) },
        {},
        false,
      );
      if (typeof data.deviceToken === 'string' && data.deviceToken.length > 0)
        writeDeviceToken(apiUrl, user, data.deviceToken, io.env);
      const credentials: Credentials = {
        apiUrl,
        username: user,
        accessToken: data.accessToken,
        refreshToken: data.refreshToken,
      };
      writeCredentials(credentials, io.env);
      out(`Logged in as ${user} at ${apiUrl}.`, { username: user, apiUrl });
      return EXIT.ok;
    }
    case 'logout': {
      if (stored !== undefined) {
        // Under the refresh lock: the latest refresh token, and no refresh writing the file back after.
        await withLock(credentialsPath(io.env), async () => {
          const latest = readCredentials(io.env) ?? stored;
          try {
            await new Client(checkApiUrl(latest.apiUrl), latest, io.env).logout();
          } finally {
            removeCredentials(io.env);
          }
        });
      }
      out('Logged out.', { loggedOut: true });
      return EXIT.ok;
    }
    case 'whoami': {
      if (stored === undefined) throw new CliError('not logged in; run kmsvault login', EXIT.auth);
      await client.call('GET', '/v1/secrets?limit=1');
      out(`${stored.username} at ${stored.apiUrl}`, { username: stored.username, apiUrl: stored.apiUrl });
      return EXIT.ok;
    }
    case 'ls': {
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
    case 'get': {
      const secret = await find(client, arg('an id or a name'));
      const field = values.field;
      if (field !== undefined) {
        if (!['password', 'username', 'url', 'notes', 'name', 'folder'].includes(field)) {
          throw new CliError(
            `--field must be one of password, username, url, notes, name, folder; got ${field}`,
            EXIT.usage,
          );
        }
        const value = (secret as Record<string, unknown>)[field];
        if (value === undefined) throw new CliError(`the secret has no ${field}`, EXIT.notFound);
        out(String(value), { [field]: value });
        return EXIT.ok;
      }
      out(
        [
          `${secret.name} (${secret.id}, version ${secret.version})`,
          secret.url ? `url:      ${secret.url}` : undefined,
          secret.username ? `username: ${secret.username}` : undefined,
          secret.password ? `password: ${secret.password}` : undefined,
          secret.tags.length ? `tags:     ${secret.tags.join(', ')}` : undefined,
          secret.folder ? `folder:   ${secret.folder}` : undefined,
          secret.notes ? `notes:\n${secret.notes}` : undefined,
        ]
          .filter(Boolean)
          .join('\n'),
        secret,
      );
      return EXIT.ok;
    }
    case 'add': {
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
    case 'edit': {
      const current = await find(client, arg('an id or a name'));
      const changes = await secretFields(command, values, io.stdin, io.stderr);
      const { id: _i, version, createdAt: _c, updatedAt: _u, ...fields } = current;
      const { data } = await client.call<{ id: string; version: number }>(
        'PUT',
        `/v1/secrets/${current.id}`,
        { ...fields, ...changes },
        { 'if-match': `"${version}"` },
      );
      out(`Saved ${data.id}, version ${data.version}.`, data);
      return EXIT.ok;
    }
    case 'rm': {
      const secret = await find(client, arg('an id or a name'));
      await client.call('DELETE', `/v1/secrets/${secret.id}`);
      out(`Moved ${secret.name} to the trash.`, { id: secret.id, deleted: true });
      return EXIT.ok;
    }
    case 'restore': {
      const id = arg('an id from kmsvault trash');
      const { data } = await client.call<{ id: string; version: number }>(
        'POST',
        `/v1/trash/${encodeURIComponent(id)}/restore`,
      );
      out(`Restored ${data.id}.`, data);
      return EXIT.ok;
    }
    case 'history': {
      const secret = await find(client, arg('an id or a name'));
      const { data } = await client.call<{ items: { version: number; updatedAt: string }[] }>(
        'GET',
        `/v1/secrets/${secret.id}/versions`,
      );
      out(data.items.map((v) => `version ${v.version}  ${v.updatedAt}`).join('\n'), data.items);
      return EXIT.ok;
    }
    case 'trash': {
      const { data } = await client.call<{
        items: (Meta & { purgeAt: string })[];
        unreadable?: Unreadable[];
      }>('GET', '/v1/trash');
      warnUnreadable(data.unreadable ?? [], io);
      out(
        data.items.map((s) => `${s.id}  ${s.name}  (purged ${s.purgeAt})`).join('\n') ||
          '(the trash is empty)',
        data.items,
      );
      return EXIT.ok;
    }
    case 'gen': {
      const body =
        values.words !== undefined
          ? {
              words: int(values.words, '--words'),
              ...(values.separator !== undefined ? { separator: values.separator } : {}),
            }
          : {
              length: values.length !== undefined ? int(values.length, '--length') : 20,
              symbols: !values['no-symbols'],
              digits: !values['no-digits'],
              uppercase: !values['no-uppercase'],
              excludeAmbiguous: values['exclude-ambiguous'],
            };
      const { data } = await client.call<{ password: string; entropyBits: number }>(
        'POST',
        '/v1/generate',
        body,
      );
      out(data.password, data);
      return EXIT.ok;
    }
    case 'import':
      return importFile(client, arg('a file'), values.format, io, values.json);
    case 'export': {
      const format = values.format ?? 'json';
      if (format !== 'json' && format !== 'csv')
        throw new CliError(`--format must be json or csv; got ${format}`, EXIT.usage);
      if (io.stdout.isTTY && !values.force) {
        throw new CliError(
          'the export holds every password in the clear; redirect it to a file, or pass --force to print it here',
          EXIT.usage,
        );
      }
      const { data } = await client.call<unknown>('GET', `/v1/export?format=${format}`);
      io.stdout.write(typeof data === 'string' ? data : JSON.stringify(data, null, 2));
      return EXIT.ok;
    }
    default:
      throw new CliError(`unknown command ${command}; see kmsvault --help`, EXIT.usage);
  }
}

/** An item the server could not verify (integrity check failed), listed beside the readable ones. */
interface Unreadable {
  id: string;
  code: string;
}

/** A warning on stderr naming the items that failed their integrity check (stdout stays the list). */
function warnUnreadable(unreadable: readonly Unreadable[], io: Io): void {
  if (unreadable.length === 0) return;
  const ids = [...new Set(unreadable.map((u) => u.id))];
  io.stderr.write(
    `kmsvault: warning: ${ids.length} ${ids.length === 1 ? 'secret fails' : 'secrets fail'} the integrity check and ${ids.length === 1 ? 'is' : 'are'} not shown: ${ids.join(', ')}\n`,
  );
}

async function find(client: Client, idOrName: string): Promise<Secret> {
  if (ID.test(idOrName)) return (await client.call<Secret>('GET', `/v1/secrets/${idOrName}`)).data;
  const { data } = await client.call<{ items: Meta[] }>(
    'GET',
    `/v1/secrets?${new URLSearchParams({ q: idOrName, limit: '200' })}`,
  );
  const matches = data.items.filter((s) => s.name.toLowerCase() === idOrName.toLowerCase());
  if (matches.length === 0) throw new CliError(`no secret is named ${idOrName}`, EXIT.notFound);
  if (matches.length > 1)
    throw new CliError(
      `${matches.length} secrets are named ${idOrName}; use an id (kmsvault ls)`,
      EXIT.conflict,
    );
  return (await client.call<Secret>('GET', `/v1/secrets/${(matches[0] as Meta).id}`)).data;
}

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} must be a whole number; got ${value}`, EXIT.usage);
  return n;
}

/**
 * Imports a file in batches of 100 rows (one request each, keyed for
 * idempotency by the file's hash and the batch), with a progress bar on
 * stderr (a line per batch when stderr is not a terminal).
 */
async function importFile(
  client: Client,
  path: string,
  formatFlag: string | undefined,
  io: Io,
  json: boolean,
): Promise<number> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    throw new CliError(`cannot read ${path}`, EXIT.usage);
  }
  const format = formatFlag ?? (path.endsWith('.json') ? 'bitwarden-json' : undefined);
  if (format === undefined)
    throw new CliError('--format is needed for a CSV file: bitwarden-csv or chrome-csv', EXIT.usage);
  const batches = split(format, content);
  const total = batches.reduce((n, b) => n + b.rows, 0);
  const digest = createHash('sha256').update(content).digest('hex').slice(0, 24);
  let done = 0;
  let imported = 0;
  const errors: { row: number; message: string }[] = [];
  const progress = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `importing [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} rows`;
    io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };
  progress();
  let offset = 0;
  for (const [index, batch] of batches.entries()) {
    const { data } = await client.call<{ imported: number; errors: { row: number; message: string }[] }>(
      'POST',
      '/v1/import',
      { format, content: batch.content },
      { 'idempotency-key': `import-${digest}-${index}` },
    );
    imported += data.imported;
    errors.push(...data.errors.map((e) => ({ row: e.row + offset, message: e.message })));
    offset += batch.rows;
    done += batch.rows;
    progress();
  }
  if (io.stderr.isTTY) io.stderr.write('\n');
  const summary = { imported, failed: errors.length, errors };
  io.stdout.write(
    json
      ? `${JSON.stringify(summary)}\n`
      : `Imported ${imported} of ${total} rows.${errors.map((e) => `\n  row ${e.row}: ${e.message}`).join('')}\n`,
  );
  return errors.length > 0 ? EXIT.conflict : EXIT.ok;
}

function split(format: string, content: string): { content: string; rows: number }[] {
  if (format === 'bitwarden-json') {
    let doc: { items?: unknown[] } & Record<string, unknown>;
    try {
      doc = JSON.parse(content);
    } catch {
      throw new CliError('the file is not JSON', EXIT.usage);
    }
    const items = Array.isArray(doc.items) ? doc.items : [];
    const out: { content: string; rows: number }[] = [];
    for (let i = 0; i < items.length; i += IMPORT_BATCH) {
      const slice = items.slice(i, i + IMPORT_BATCH);
      out.push({ content: JSON.stringify({ ...doc, items: slice }), rows: slice.length });
    }
    return out;
  }
  if (format !== 'bitwarden-csv' && format !== 'chrome-csv') {
    throw new CliError(
      `--format must be bitwarden-json, bitwarden-csv or chrome-csv; got ${format}`,
      EXIT.usage,
    );
  }
  const records = csvRecords(content);
  const [header, ...rows] = records;
  const out: { content: string; rows: number }[] = [];
  for (let i = 0; i < rows.length; i += IMPORT_BATCH) {
    const slice = rows.slice(i, i + IMPORT_BATCH);
    out.push({ content: [header, ...slice].join('\n'), rows: slice.length });
  }
  return out;
}

/** Splits CSV text into records (raw text), keeping quoted newlines inside their record. */
function csvRecords(text: string): string[] {
  const records: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text.replace(/\r\n/g, '\n')) {
    if (ch === '"') quoted = !quoted;
    if (ch === '\n' && !quoted) {
      if (current.length > 0) records.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.length > 0) records.push(current);
  return records;
}
