import { apiRequestUrl } from '../url';

/** Why a smoke step failed: one line, never a password or token (the runner redacts those too). */
export class SmokeFailure extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SmokeFailure';
  }
}

export interface SmokeResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export interface SmokeRequest {
  readonly body?: unknown;
  readonly token?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Requests under one API root, each bounded by a timeout. */
export class SmokeHttp {
  public constructor(
    private readonly root: string,
    private readonly timeoutMs: number,
  ) {}

  public async call(method: string, path: string, request: SmokeRequest = {}): Promise<SmokeResponse> {
    const url = apiRequestUrl(this.root, path);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(request.token !== undefined ? { authorization: `Bearer ${request.token}` } : {}),
          ...request.headers,
        },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      throw new SmokeFailure(`${method} ${url.pathname}: cannot reach ${url.origin}: ${reason}`);
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  /** The JSON body of an answer with the expected status; anything else is a failure that says what came. */
  public async expectJson<T>(
    method: string,
    path: string,
    status: number,
    request: SmokeRequest = {},
  ): Promise<T> {
    const res = await this.expectStatus(method, path, status, request);
    if (!res.contentType.includes('json'))
      throw new SmokeFailure(`${method} ${path} answered ${res.status} with ${describeType(res)}, not JSON`);
    return JSON.parse(res.text) as T;
  }

  public async expectStatus(
    method: string,
    path: string,
    status: number,
    request: SmokeRequest = {},
  ): Promise<SmokeResponse> {
    const res = await this.call(method, path, request);
    if (res.status !== status)
      throw new SmokeFailure(
        `${method} ${path} answered ${res.status} (expected ${status}): ${summary(res)}`,
      );
    return res;
  }
}

/** What an unexpected answer said, in one short line: a problem's code and detail, else its type. */
export function summary(res: SmokeResponse): string {
  if (res.contentType.includes('json')) {
    try {
      const body = JSON.parse(res.text) as Record<string, unknown>;
      const said = ['code', 'detail', 'message', 'status', 'dynamodb', 'kms']
        .filter((key) => typeof body[key] === 'string')
        .map((key) => `${key}=${String(body[key]).slice(0, 160)}`);
      if (said.length > 0) return said.join(' ');
    } catch {
      // not JSON after all: described by type below
    }
  }
  return describeType(res);
}

function describeType(res: SmokeResponse): string {
  return `${res.contentType === '' ? 'no content type' : res.contentType.split(';')[0]}, ${res.text.length} characters`;
}
