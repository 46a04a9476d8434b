import { keepDeviceToken, readDeviceToken } from './device-token';

/**
 * The browser's API client. Tokens live in memory only (this module's
 * variables): a page reload or a closed tab logs the user out. That is the
 * trade-off we chose over localStorage or a readable cookie, which any script
 * injected into the page could read. An expired access token is refreshed
 * once, silently, with the in-memory refresh token.
 *
 * Refresh is single-flight: every request that finds the access token
 * expired waits for the same refresh, then retries with its result. Two
 * refreshes with one refresh token would look like a replayed token to the
 * server, which ends the session (the vault's parallel requests after an
 * idle quarter of an hour did exactly that).
 */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  retryAfter?: number;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  public constructor(public readonly problem: Problem) {
    super(problem.detail);
  }
}

/** An item the server could not verify (integrity check failed), listed beside the readable ones. */
export interface Unreadable {
  id: string;
  code: string;
}

let accessToken: string | undefined;
let refreshToken: string | undefined;
/** The refresh in flight, which every request refused meanwhile shares. */
let refreshing: Promise<boolean> | undefined;

export function isLoggedIn(): boolean {
  return accessToken !== undefined;
}

/**
 * Gives the login password again and keeps the access token it answers
 * (auth_time now: an export needs one); the refresh token stays.
 */
export async function reauthenticate(password: string): Promise<void> {
  const { data } = await request<{ accessToken: string }>('POST', '/v1/auth/reauthenticate', { password });
  accessToken = data.accessToken;
}

export function forgetTokens(): void {
  accessToken = undefined;
  refreshToken = undefined;
}

async function problemOf(res: Response): Promise<Problem> {
  let body: Partial<Problem> = {};
  try {
    body = (await res.json()) as Partial<Problem>;
  } catch {
    // not JSON: keep the status only
  }
  const retry = res.headers.get('retry-after');
  return {
    status: res.status,
    code: body.code ?? 'error',
    detail: body.detail ?? `The server answered ${res.status}.`,
    ...(retry ? { retryAfter: Number(retry) } : {}),
    ...(body.errors ? { errors: body.errors } : {}),
  };
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  retried = false,
): Promise<{ data: T; etag: string | null; raw: Response }> {
  const sent = accessToken;
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(sent ? { authorization: `Bearer ${sent}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 401 && !retried && !path.startsWith('/v1/auth/')) {
    if (await refreshAfter(sent)) return request<T>(method, path, body, headers, true);
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  const text = res.status === 204 ? '' : await res.clone().text();
  const type = res.headers.get('content-type') ?? '';
  const data = (text.length > 0 && type.includes('json') ? JSON.parse(text) : text) as T;
  return { data, etag: res.headers.get('etag'), raw: res };
}

/**
 * A fresh access token after `sent` was refused: the one a refresh already
 * brought, else the result of the one refresh in flight (started if none is).
 */
function refreshAfter(sent: string | undefined): Promise<boolean> {
  if (accessToken !== undefined && accessToken !== sent) return Promise.resolve(true);
  if (refreshToken === undefined) return Promise.resolve(false);
  refreshing ??= refresh(refreshToken).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function refresh(token: string): Promise<boolean> {
  try {
    const { data } = await request<Tokens>('POST', '/v1/auth/refresh', { refreshToken: token }, {}, true);
    if (refreshToken !== token) return false; // logged out meanwhile
    accessToken = data.accessToken;
    refreshToken = data.refreshToken;
    return true;
  } catch {
    if (refreshToken === token) forgetTokens();
    return false;
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** Logs in, sending the known-device token from the last login as this username, when there is one. */
export async function login(username: string, password: string): Promise<void> {
  const deviceToken = readDeviceToken(username);
  const { data } = await request<Tokens & { deviceToken?: string }>('POST', '/v1/auth/login', {
    username,
    password,
    ...(deviceToken ? { deviceToken } : {}),
  });
  accessToken = data.accessToken;
  refreshToken = data.refreshToken;
  keepDeviceToken(username, data.deviceToken);
}

export async function signup(username: string, password: string): Promise<void> {
  await request('POST', '/v1/auth/signup', { username, password });
}

/**
 * Ends the session with the refresh token alone (it is the credential for
 * logout), so an expired access token does not stop it; the access token goes
 * along only while it is live. Never throws: the tokens are forgotten here
 * whatever the server answers.
 */
export async function logout(): Promise<void> {
  const token = refreshToken;
  const access = accessToken;
  forgetTokens();
  if (token === undefined) return;
  try {
    await fetch('/v1/auth/logout', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(access && isLive(access) ? { authorization: `Bearer ${access}` } : {}),
      },
      body: JSON.stringify({ refreshToken: token }),
    });
  } catch {
    // unreachable: nothing more to do here; the session ends with its refresh token's lifetime
  }
}

/** Whether a JWT's `exp` is still ahead (its payload is readable; the server checks the signature). */
function isLive(token: string): boolean {
  try {
    const part = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(part)) as { exp?: unknown };
    return typeof payload.exp === 'number' && payload.exp * 1000 > Date.now();
  } catch {
    return false;
  }
}

export function idempotencyKey(): string {
  return crypto.randomUUID();
}
