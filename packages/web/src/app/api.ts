/**
 * The browser's API client. Tokens live in memory only (this module's
 * variables): a page reload or a closed tab logs the user out. That is the
 * trade-off we chose over localStorage or a readable cookie, which any script
 * injected into the page could read. An expired access token is refreshed
 * once, silently, with the in-memory refresh token.
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

let accessToken: string | undefined;
let refreshToken: string | undefined;

export function isLoggedIn(): boolean {
  return accessToken !== undefined;
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
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 401 && !retried && refreshToken !== undefined && !path.startsWith('/v1/auth/')) {
    if (await refresh()) return request<T>(method, path, body, headers, true);
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  const text = res.status === 204 ? '' : await res.clone().text();
  const type = res.headers.get('content-type') ?? '';
  const data = (text.length > 0 && type.includes('json') ? JSON.parse(text) : text) as T;
  return { data, etag: res.headers.get('etag'), raw: res };
}

async function refresh(): Promise<boolean> {
  try {
    const { data } = await request<Tokens>('POST', '/v1/auth/refresh', { refreshToken }, {}, true);
    accessToken = data.accessToken;
    refreshToken = data.refreshToken;
    return true;
  } catch {
    forgetTokens();
    return false;
  }
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(username: string, password: string): Promise<void> {
  const { data } = await request<Tokens>('POST', '/v1/auth/login', { username, password });
  accessToken = data.accessToken;
  refreshToken = data.refreshToken;
}

export async function signup(username: string, password: string): Promise<void> {
  await request('POST', '/v1/auth/signup', { username, password });
}

export async function logout(): Promise<void> {
  try {
    if (refreshToken) await request('POST', '/v1/auth/logout', { refreshToken });
  } finally {
    forgetTokens();
  }
}

export function idempotencyKey(): string {
  return crypto.randomUUID();
}
