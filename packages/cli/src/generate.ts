import type { Context } from './context';
import { CliError, EXIT } from './errors';

/** `kmsvault gen`: generates a password, or a passphrase (--words). */
export async function generate({ client, out, values }: Context): Promise<number> {
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
  const { data } = await client.call<{ password: string; entropyBits: number }>('POST', '/v1/generate', body);
  out(data.password, data);
  return EXIT.ok;
}

/** A flag parsed as a whole number; a usage error naming the flag otherwise. */
function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} must be a whole number; got ${value}`, EXIT.usage);
  return n;
}
