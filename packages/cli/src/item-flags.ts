import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './errors';
import { readPassword } from './input';

/** The item types `--type` takes: the API's names, with `ssh-key` for `sshKey`. */
const TYPES: Record<string, string> = {
  login: 'login',
  note: 'note',
  card: 'card',
  identity: 'identity',
  'ssh-key': 'sshKey',
  sshKey: 'sshKey',
};
const MATCHES = ['domain', 'host', 'startsWith', 'exact', 'regex', 'never'];

/** The flags of the item types' own members. */
export interface ItemFlags {
  readonly type?: string;
  readonly url?: string[];
  readonly match?: string;
  readonly favorite?: boolean;
  readonly 'not-favorite'?: boolean;
  readonly cardholder?: string;
  readonly brand?: string;
  readonly expiry?: string;
  readonly 'ask-card'?: boolean;
  readonly 'private-key-file'?: string;
  readonly 'public-key-file'?: string;
}

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };

/** The API's type name for `--type`; a usage error naming the choices for anything else. */
export function itemType(flag: string | undefined): string | undefined {
  if (flag === undefined) return undefined;
  const type = TYPES[flag];
  if (type === undefined)
    throw new CliError(`--type must be login, note, card, identity or ssh-key; got ${flag}`, EXIT.usage);
  return type;
}

/**
 * The members the type flags give (`uris`, `favorite`, `card`, `sshKey`),
 * each only when its flags are there. The card's number and code are asked
 * for without echo (`--ask-card`), never taken from argv; SSH keys are read
 * from their files.
 */
export async function itemMembers(
  flags: ItemFlags,
  stdin: Stdin,
  stderr: NodeJS.WritableStream,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (flags.match !== undefined && !MATCHES.includes(flags.match))
    throw new CliError(`--match must be one of ${MATCHES.join(', ')}; got ${flags.match}`, EXIT.usage);
  if (flags.match !== undefined && (flags.url ?? []).length === 0)
    throw new CliError('--match applies to the --url given with it; give at least one --url', EXIT.usage);
  if (flags.url !== undefined && flags.url.length > 0)
    body.uris = flags.url.map((uri) => (flags.match === undefined ? { uri } : { uri, match: flags.match }));
  if (flags.favorite && flags['not-favorite'])
    throw new CliError('--favorite and --not-favorite contradict each other', EXIT.usage);
  if (flags.favorite) body.favorite = true;
  if (flags['not-favorite']) body.favorite = false;

  const card: Record<string, string> = {};
  if (flags.cardholder !== undefined) card.cardholderName = flags.cardholder;
  if (flags.brand !== undefined) card.brand = flags.brand;
  if (flags.expiry !== undefined) Object.assign(card, expiry(flags.expiry));
  if (flags['ask-card']) {
    if (!stdin.isTTY)
      throw new CliError('no terminal to ask for the card on; use --stdin with a JSON object', EXIT.usage);
    const number = (await readPassword('Card number: ', stdin, stderr)).replace(/[\s-]/g, '');
    if (number.length > 0) card.number = number;
    const code = await readPassword('Security code: ', stdin, stderr);
    if (code.length > 0) card.code = code;
  }
  if (Object.keys(card).length > 0) body.card = card;

  const sshKey: Record<string, string> = {};
  if (flags['private-key-file'] !== undefined)
    sshKey.privateKey = readKey(flags['private-key-file'], 'private');
  if (flags['public-key-file'] !== undefined)
    sshKey.publicKey = readKey(flags['public-key-file'], 'public').trim();
  if (Object.keys(sshKey).length > 0) body.sshKey = sshKey;
  return body;
}

/** `MM/YYYY` (or `M/YYYY`) as the card's expMonth and expYear. */
function expiry(value: string): { expMonth: string; expYear: string } {
  const m = /^(0?[1-9]|1[0-2])\/(\d{4})$/.exec(value.trim());
  if (m === null) throw new CliError(`--expiry must be MM/YYYY; got ${value}`, EXIT.usage);
  return { expMonth: String(Number(m[1])), expYear: m[2] as string };
}

function readKey(path: string, which: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError(`cannot read the ${which} key file ${path}: ${code}`, EXIT.usage);
  }
}
