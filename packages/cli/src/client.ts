import { type Credentials, credentialsPath, readCredentials, writeCredentials } from './config';
import { CliError, EXIT, exitCodeFor } from './errors';
import { withLock } from './lock';
import { apiRequestUrl } from './url';

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/**
 * The API client: problem details become one-line errors with stable exit
 * codes; a 401 refreshes the session once and retries.
 *
 * Refresh is single-flight: requests of this process share one refresh, and
 * processes share it through a lock on the credentials file (the first
 * rotates the refresh token and stores the pair, the others find the new pair
 * there). Two refreshes with one token would look like a replayed token to
 * the server, which ends the session.
 */
export class Client {
  private refreshing: Promise<boolean> | undefined;

  /** @param apiUrl the API root, as checkApiUrl returns it */
  public constructor(
    public readonly apiUrl: string,
    private credentials: Credentials | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  public get username(): string | undefined {
    return this.credentials?.username;
  }

  public async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    auth = true,
  ): Promise<ApiResponse<T>> {
    if (auth && this.credentials === undefined)
      throw new CliError('not logged in; run kmsvault login', EXIT.auth);
    const sent = this.credentials?.accessToken;
    let res = await this.send(method, path, body, headers, auth);
    if (res.status === 401 && auth && (await this.refreshAfter(sent)))
      res = await this.send(method, path, body, headers, auth);
    return answer<T>(res);
  }

  /**
   * Ends the session with the refresh token alone (it is the credential), so
   * an expired access token does not stop it; the access token goes along
   * only while it is live.
   */
  public async logout(): Promise<void> {
    const current = this.credentials;
    if (current === undefined) return;
    const res = await this.send(
      'POST',
      '/v1/auth/logout',
      { refreshToken: current.refreshToken },
      {},
      isLive(current.accessToken),
    );
    await answer(res);
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    auth: boolean,
  ): Promise<Response> {
    try {
      return await fetch(apiRequestUrl(this.apiUrl, path), {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(auth && this.credentials ? { authorization: `Bearer ${this.credentials.accessToken}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw new CliError(
        `cannot reach ${this.apiUrl}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`,
        EXIT.server,
      );
    }
  }

  /**
   * Gives the login password again (POST /v1/auth/reauthenticate) and keeps
   * the access token it answers, whose auth_time is now (an export needs
   * one), here and in the credentials file; the refresh token stays.
   */
  public async reauthenticate(password: string): Promise<void> {
    const { data } = await this.call<{ accessToken: string }>('POST', '/v1/auth/reauthenticate', {
      password,
    });
    await withLock(credentialsPath(this.env), async () => {
      const mine = this.credentials;
      if (mine === undefined) return;
      const stored = readCredentials(this.env);
      const same = stored !== undefined && stored.apiUrl === mine.apiUrl && stored.username === mine.username;
      this.credentials = { ...(same ? stored : mine), accessToken: data.accessToken };
      writeCredentials(this.credentials, this.env);
    });
  }

  /**
   * A fresh access token after `sent` was refused: the one another request
   * already obtained, else the result of the one refresh in flight.
   */
  private refreshAfter(sent: string | undefined): Promise<boolean> {
    if (this.credentials !== undefined && this.credentials.accessToken !== sent) return Promise.resolve(true);
    this.refreshing ??= withLock(credentialsPath(this.env), () => this.refresh()).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Rotates the refresh token and stores the new pair (holding the lock); false when the session is over. */
  private async refresh(): Promise<boolean> {
    const mine = this.credentials;
    if (mine === undefined) return false;
    const stored = readCredentials(this.env);
    if (stored === undefined || stored.apiUrl !== mine.apiUrl || stored.username !== mine.username)
      return false; // logged out, or into another account, meanwhile
    if (stored.refreshToken !== mine.refreshToken) {
      this.credentials = stored; // another kmsvault process refreshed meanwhile
      return true;
    }
    const res = await this.send('POST', '/v1/auth/refresh', { refreshToken: mine.refreshToken }, {}, false);
    if (!res.ok) return false;
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
    this.credentials = { ...mine, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    writeCredentials(this.credentials, this.env);
    return true;
  }
}

/** The body of a successful answer; a problem becomes a one-line CliError. */
async function answer<T>(res: Response): Promise<ApiResponse<T>> {
  const text = await res.text();
  let data: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) data = JSON.parse(text);
  if (!res.ok) {
    const problem = (typeof data === 'object' && data !== null ? data : {}) as {
      code?: string;
      detail?: string;
      errors?: { path: string; message: string }[];
    };
    const fields = problem.errors?.length
      ? ` (${problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`
      : '';
    const wait = res.headers.get('retry-after');
    throw new CliError(
      `${problem.detail ?? `the API answered ${res.status}`}${fields}${wait ? ` Retry after ${wait} s.` : ''}`,
      exitCodeFor(res.status),
      typeof problem.code === 'string' ? problem.code : undefined,
    );
  }
  return { status: res.status, data: data as T, headers: res.headers };
}

/** Whether a JWT's `exp` is still ahead (its payload is readable; the server checks the signature). */
function isLive(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' && payload.exp * 1000 > Date.now();
  } catch {
    return false;
  }
}
