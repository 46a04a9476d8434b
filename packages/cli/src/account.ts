import { Client } from './client';
import {
  type Credentials,
  credentialsPath,
  readCredentials,
  readDeviceToken,
  removeCredentials,
  writeCredentials,
  writeDeviceToken,
} from './config';
import type { Context } from './context';
import { CliError, EXIT } from './errors';
import { withLock } from './lock';
import { checkApiUrl } from './url';

/** `kmsvault signup`: creates an account. */
export async function signup({ client, out, password, username }: Context): Promise<number> {
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

/** `kmsvault login`: logs in and stores the tokens (and the known-device token). */
export async function login({ apiUrl, client, io, out, password, username }: Context): Promise<number> {
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

/** `kmsvault logout`: ends the session and removes the stored tokens. */
export async function logout({ io, out, stored }: Context): Promise<number> {
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

/** `kmsvault whoami`: who is logged in, where (checked against the API). */
export async function whoami({ client, out, stored }: Context): Promise<number> {
  if (stored === undefined) throw new CliError('not logged in; run kmsvault login', EXIT.auth);
  await client.call('GET', '/v1/secrets?limit=1');
  out(`${stored.username} at ${stored.apiUrl}`, { username: stored.username, apiUrl: stored.apiUrl });
  return EXIT.ok;
}
