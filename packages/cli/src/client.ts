import { type Credentials, readCredentials, writeCredentials } from './config';
import { CliError, EXIT, exitCodeFor } from './errors';

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
}

/** The API client: problem details become one-line errors with stable exit codes; 401 refreshes once. */
export class Client {
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
    let res = await this.send(method, path, body, headers, auth);
    if (res.status === 401 && auth && (await this.refresh()))
      res = await this.send(method, path, body, headers, auth);
    const text = await res.text();
    let data: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) data = JSON.parse(text);
    if (!res.ok) {
      const problem = data as { detail?: string; errors?: { path: string; message: string }[] };
      const fields = problem.errors?.length
        ? ` (${problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`
        : '';
      const wait = res.headers.get('retry-after');
      throw new CliError(
        `${problem.detail ?? `the API answered ${res.status}`}${fields}${wait ? ` Retry after ${wait} s.` : ''}`,
        exitCodeFor(res.status),
      );
    }
    return { status: res.status, data: data as T, headers: res.headers };
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    auth: boolean,
  ): Promise<Response> {
    try {
      return await fetch(new URL(path, this.apiUrl), {
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

  /** Rotates the refresh token and stores the new pair; false when the session is over. */
  private async refresh(): Promise<boolean> {
    const current = this.credentials ?? readCredentials(this.env);
    if (current === undefined) return false;
    const res = await this.send(
      'POST',
      '/v1/auth/refresh',
      { refreshToken: current.refreshToken },
      {},
      false,
    );
    if (!res.ok) return false;
    const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
    this.credentials = { ...current, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    writeCredentials(this.credentials, this.env);
    return true;
  }
}
