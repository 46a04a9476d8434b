import { isIP } from 'node:net';
import { CliError, EXIT } from './errors';

/**
 * Checks the API address before anything is sent to it: `https://` anywhere,
 * plain `http://` only on this machine's loopback (`localhost`, 127.0.0.0/8,
 * `[::1]`), where nothing crosses a network. The address is never echoed
 * whole: a pasted URL may carry credentials.
 */
export function checkApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      'the API address is not a URL; give one such as https://vault.example.com',
      EXIT.usage,
    );
  }
  if (url.username !== '' || url.password !== '')
    throw new CliError('the API address must not carry a user name or password', EXIT.usage);
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return value;
    throw new CliError(
      `refusing ${url.origin}: plain http would send passwords, tokens and secrets over the network unencrypted; use https://, or http:// only on this machine (localhost, 127.0.0.0/8, [::1])`,
      EXIT.usage,
    );
  }
  throw new CliError(`the API address must start with https://; got ${url.protocol}`, EXIT.usage);
}

/** `localhost`, 127.0.0.0/8 or `[::1]` (URL has already lower-cased and normalised the host). */
export function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}
