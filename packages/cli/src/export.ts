import { sealProtectedExport } from '@kmsvault/core/client';
import type { Context } from './context';
import { CliError, EXIT } from './errors';

/**
 * `kmsvault export`: the whole vault to stdout (json or csv); a terminal
 * needs --force. An export needs the login password again (asked on the
 * terminal, or --password-stdin), re-authenticating the session first.
 */
export async function exportVault({ client, io, password, values }: Context): Promise<number> {
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'encrypted_json')
    throw new CliError(`--format must be json, csv or encrypted_json; got ${format}`, EXIT.usage);
  if (io.stdout.isTTY && !values.force) {
    throw new CliError(
      'the export holds every password in the clear; redirect it to a file, or pass --force to print it here',
      EXIT.usage,
    );
  }
  await client.reauthenticate(await password('Password (exporting needs it again): '));
  const filePassword =
    format === 'encrypted_json' ? await newFilePassword(password, values['password-stdin']) : '';
  const { data } = await client.call<unknown>(
    'GET',
    `/v1/export?format=${format === 'csv' ? 'csv' : 'json'}`,
  );
  const text = typeof data === 'string' ? data : JSON.stringify(data, null, 2);
  // Encrypted here, as Bitwarden does: the file's password never reaches the API.
  io.stdout.write(format === 'encrypted_json' ? await sealProtectedExport(text, filePassword) : text);
  return EXIT.ok;
}

/** The encrypted file's password: the next line of stdin, or asked twice on the terminal. */
async function newFilePassword(
  password: (prompt: string) => Promise<string>,
  fromStdin: boolean | undefined,
): Promise<string> {
  const first = await password('Password for the encrypted file: ');
  if (first.length < 8)
    throw new CliError('the encrypted file needs a password of 8 characters or more', EXIT.usage);
  if (!fromStdin && (await password('The same password again: ')) !== first)
    throw new CliError('the two passwords differ; nothing was exported', EXIT.usage);
  return first;
}
