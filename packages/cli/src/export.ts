import type { Context } from './context';
import { CliError, EXIT } from './errors';

/**
 * `kmsvault export`: the whole vault to stdout (json or csv); a terminal
 * needs --force. An export needs the login password again (asked on the
 * terminal, or --password-stdin), re-authenticating the session first.
 */
export async function exportVault({ client, io, password, values }: Context): Promise<number> {
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv')
    throw new CliError(`--format must be json or csv; got ${format}`, EXIT.usage);
  if (io.stdout.isTTY && !values.force) {
    throw new CliError(
      'the export holds every password in the clear; redirect it to a file, or pass --force to print it here',
      EXIT.usage,
    );
  }
  await client.reauthenticate(await password('Password (exporting needs it again): '));
  const { data } = await client.call<unknown>('GET', `/v1/export?format=${format}`);
  io.stdout.write(typeof data === 'string' ? data : JSON.stringify(data, null, 2));
  return EXIT.ok;
}
