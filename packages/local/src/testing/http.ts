import { request as httpRequest } from 'node:http';

export interface TestResponse<T = unknown> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The parsed JSON body, or undefined when there is none. */
  readonly body: T;
}

export interface TestRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON (content-type set unless given); a string or Buffer as is. */
  readonly body?: unknown;
  readonly bearer?: string;
  /** Source address on the loopback network (127.0.0.0/8), as API Gateway's sourceIp. */
  readonly from?: string;
}

/** A small HTTP client for tests over loopback, able to choose its source address. */
export function call<T = unknown>(
  baseUrl: string,
  path: string,
  req: TestRequest = {},
): Promise<TestResponse<T>> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) payload = Buffer.from(req.body as string);
    else {
      payload = Buffer.from(JSON.stringify(req.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  if (req.bearer !== undefined) headers.authorization = `Bearer ${req.bearer}`;
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(req.from ? { localAddress: req.from } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: body as T });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(payload);
  });
}
