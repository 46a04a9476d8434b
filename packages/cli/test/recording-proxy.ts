import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy saw of one request. Bodies hold tokens and passwords: compare them, never print them. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization: boolean;
  readonly body: Record<string, unknown> | undefined;
}

/** What the stack answered to one request. The body may hold tokens: compare it, never print it. */
export interface Answered {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: string;
}

/**
 * An HTTP proxy on loopback in front of the local stack that records every
 * request the CLI makes, and can hold requests back (`gate`) to line up a
 * race deterministically. It forwards everything unchanged, and records the answers.
 */
export class RecordingProxy {
  public readonly requests: Recorded[] = [];
  public readonly answers: Answered[] = [];
  /** Returns a promise to hold a request until it settles; undefined forwards at once. */
  public gate: ((request: Recorded) => Promise<void> | undefined) | undefined;
  private server: Server | undefined;

  public constructor(private readonly target: string) {}

  public async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.forward(req, res).catch(() => {
        res.writeHead(502).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The requests made to a path (the query string left out). */
  public to(method: string, path: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.split('?')[0] === path);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let body: Record<string, unknown> | undefined;
    try {
      body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization !== undefined,
      body,
    };
    this.requests.push(recorded);
    await this.gate?.(recorded);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || ['host', 'connection', 'content-length'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const answer = await fetch(new URL(recorded.path, this.target), {
      method: recorded.method,
      headers,
      ...(raw.length > 0 ? { body: raw } : {}),
    });
    const out = Buffer.from(await answer.arrayBuffer());
    this.answers.push({
      method: recorded.method,
      path: recorded.path,
      status: answer.status,
      body: out.toString('utf8'),
    });
    const outHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
        outHeaders[name] = value;
    });
    res.writeHead(answer.status, { ...outHeaders, 'content-length': String(out.length) }).end(out);
  }
}

/** A promise that settles once `count` callers have arrived: lines concurrent requests up. */
export function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= count) open();
    return opened;
  };
}
