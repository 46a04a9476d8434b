import { login, logout, signup, whoami } from './account';
import { deleteAccount } from './account-delete';
import type { Flags } from './args';
import { Client } from './client';
import { localApiUrl, readCredentials } from './config';
import type { Context } from './context';
import { CliError, EXIT } from './errors';
import { exportVault } from './export';
import { refuseSecretArgs, withoutNewline } from './fields';
import { generate } from './generate';
import { importFile } from './import';
import { readPassword, readStdin } from './input';
import type { Io } from './io';
import { add, edit, get, history, list, remove, restore, totp, trash } from './secrets';
import { checkApiUrl, sameApi } from './url';

/** Runs one command: the API address and the stored session resolved, the command's module called. */
export async function runCommand(command: string, rest: string[], values: Flags, io: Io): Promise<number> {
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
  const client = new Client(apiUrl, stored && sameApi(stored.apiUrl, apiUrl) ? stored : undefined, io.env);
  const out = (human: string, machine: unknown) =>
    io.stdout.write(values.json ? `${JSON.stringify(machine)}\n` : `${human}\n`);
  const arg = (what: string) => {
    if (rest[0] === undefined) throw new CliError(`${command} needs ${what}`, EXIT.usage);
    return rest[0];
  };
  // With --password-stdin, each password asked for is the next line of stdin (an encrypted export asks two).
  let stdinLines: Promise<string[]> | undefined;
  let stdinRead = 0;
  const password = async (prompt: string) => {
    if (values['password-stdin']) {
      stdinLines ??= readStdin(io.stdin).then((text) => withoutNewline(text).split(/\r?\n/));
      const line = (await stdinLines)[stdinRead++];
      if (line === undefined)
        throw new CliError(`stdin has no line for: ${prompt.replace(/: $/, '')}`, EXIT.usage);
      return line;
    }
    if (!io.stdin.isTTY)
      throw new CliError('no terminal to ask for the password on; use --password-stdin', EXIT.usage);
    return readPassword(prompt, io.stdin, io.stderr);
  };
  const username = () => {
    if (values.username === undefined) throw new CliError(`${command} needs --username`, EXIT.usage);
    return values.username;
  };
  const ctx: Context = { command, rest, values, io, apiUrl, stored, client, out, arg, password, username };

  switch (command) {
    case 'signup':
      return signup(ctx);
    case 'login':
      return login(ctx);
    case 'logout':
      return logout(ctx);
    case 'whoami':
      return whoami(ctx);
    case 'account':
      if (rest[0] !== 'delete') throw new CliError('account needs a subcommand: delete', EXIT.usage);
      return deleteAccount(ctx);
    case 'ls':
      return list(ctx);
    case 'get':
      return get(ctx);
    case 'totp':
      return totp(ctx);
    case 'add':
      return add(ctx);
    case 'edit':
      return edit(ctx);
    case 'rm':
      return remove(ctx);
    case 'restore':
      return restore(ctx);
    case 'history':
      return history(ctx);
    case 'trash':
      return trash(ctx);
    case 'gen':
      return generate(ctx);
    case 'import':
      return importFile(client, arg('a file'), values.format, io, values.json, ctx.password);
    case 'export':
      return exportVault(ctx);
    default:
      throw new CliError(`unknown command ${command}; see kmsvault --help`, EXIT.usage);
  }
}
