import { CliError, EXIT } from './errors';
import { readPassword, readStdin } from './input';
import { type ItemFlags, itemMembers, itemType } from './item-flags';

/** The parsed flags a secret's fields come from. */
export interface FieldFlags extends ItemFlags {
  readonly name?: string;
  readonly username?: string;
  readonly password?: string;
  readonly notes?: string;
  readonly folder?: string;
  readonly tag?: string[];
  readonly stdin?: boolean;
  readonly 'password-stdin'?: boolean;
  readonly 'notes-stdin'?: boolean;
  readonly 'totp-stdin'?: boolean;
  readonly 'ask-password'?: boolean;
}

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

/**
 * Refuses a secret value given in argv, where `ps`, /proc and shell history
 * show it to others. The value is never echoed back.
 */
export function refuseSecretArgs(command: string, flags: FieldFlags): void {
  if (flags.password !== undefined) {
    const safe =
      command === 'add' || command === 'edit'
        ? '--ask-password (a prompt that does not echo), --password-stdin, or --stdin with a JSON object'
        : 'the prompt on a terminal, or --password-stdin';
    throw new CliError(
      `--password would show the secret in the process list and the shell history; use ${safe}`,
      EXIT.usage,
    );
  }
  if (flags.notes !== undefined) {
    throw new CliError(
      '--notes would show the secret in the process list and the shell history; use --notes-stdin, or --stdin with a JSON object',
      EXIT.usage,
    );
  }
}

/**
 * A secret's fields for add and edit: everything, of any type, from a JSON
 * object on stdin (`--stdin`), or the plain fields from flags (`--type`,
 * `--url` for each URI, the card's and SSH key's flags) with the password
 * from stdin (`--password-stdin`) or a prompt without echo (`--ask-password`),
 * the notes from stdin (`--notes-stdin`) and the TOTP secret from stdin
 * (`--totp-stdin`). Stdin can serve one of them only.
 */
export async function secretFields(
  command: string,
  flags: FieldFlags,
  stdin: Stdin,
  stderr: NodeJS.WritableStream,
): Promise<Record<string, unknown>> {
  refuseSecretArgs(command, flags);
  const readers = (['stdin', 'password-stdin', 'notes-stdin', 'totp-stdin'] as const).filter(
    (f) => flags[f] === true,
  );
  if (readers.length > 1)
    throw new CliError(`stdin can serve one flag only; got --${readers.join(' and --')}`, EXIT.usage);
  for (const prompt of ['ask-password', 'ask-card'] as const)
    if (flags[prompt] && readers.length > 0)
      throw new CliError(`--${prompt} reads the terminal, which --${readers[0]} takes`, EXIT.usage);
  if (flags.stdin) return parseJson(await readStdin(stdin));

  const body: Record<string, unknown> = {};
  const type = itemType(flags.type);
  if (type !== undefined) body.type = type;
  for (const field of ['name', 'username', 'folder'] as const)
    if (flags[field] !== undefined) body[field] = flags[field];
  if (flags.tag !== undefined && flags.tag.length > 0) body.tags = flags.tag;
  if (flags['password-stdin']) body.password = nonEmpty(withoutNewline(await readStdin(stdin)), 'password');
  if (flags['notes-stdin']) body.notes = nonEmpty(withoutNewline(await readStdin(stdin)), 'notes');
  if (flags['totp-stdin']) body.totp = nonEmpty(withoutNewline(await readStdin(stdin)).trim(), 'TOTP secret');
  if (flags['ask-password']) {
    if (!stdin.isTTY)
      throw new CliError('no terminal to ask for the password on; use --password-stdin', EXIT.usage);
    body.password = nonEmpty(await readPassword('Password for the site: ', stdin, stderr), 'password');
  }
  return { ...body, ...(await itemMembers(flags, stdin, stderr)) };
}

/** One trailing newline (what `echo` adds) is not part of the value. */
export function withoutNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function nonEmpty(value: string, what: string): string {
  if (value.length === 0) throw new CliError(`the ${what} is empty`, EXIT.usage);
  return value;
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new CliError('stdin is not a JSON object', EXIT.usage);
  }
}
