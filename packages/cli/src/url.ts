import { isIP } from 'node:net';
import { API_STAGE } from '@kmsvault/core';
import { CliError, EXIT } from './errors';

/**
 * Checks the API address before anything is sent to it, and returns the API
 * root (see apiRoot): `https://` anywhere, plain `http://` only on this
 * machine's loopback (`localhost`, 127.0.0.0/8, `[::1]`), where nothing
 * crosses a network. The address is never echoed whole: a pasted URL may
 * carry credentials.
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
  if (url.search !== '' || url.hash !== '')
    throw new CliError('the API address must not carry a query or a fragment', EXIT.usage);
  if (url.protocol === 'https:') return apiRoot(url);
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return apiRoot(url);
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

/**
 * The root under which the API's `/v1/...` routes live, without a trailing
 * slash: the address as given minus a trailing `/v1` (the stage, which is the
 * API version), so the stack's stage URL
 * (`https://x.execute-api.eu-west-1.amazonaws.com/v1`), the CloudFront root
 * and the local stack's URL all work. Any other base path stays.
 */
export function apiRoot(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  const stage = `/${API_STAGE}`;
  return `${url.origin}${path.endsWith(stage) ? path.slice(0, -stage.length) : path}`;
}

/** The URL of an API path (`/v1/secrets?limit=1`) under the root checkApiUrl returned. */
export function apiRequestUrl(root: string, path: string): URL {
  return new URL(`${root}${path}`);
}

/** Whether a stored login's address (perhaps saved before addresses were normalised) names this API root. */
export function sameApi(stored: string, root: string): boolean {
  try {
    return checkApiUrl(stored) === root;
  } catch {
    return false;
  }
}
