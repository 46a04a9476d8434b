import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { decodePath, PayloadTooLargeError, problemResult, ValidationError, VaultError } from '@kmsvault/core';
import { WEB_CSP } from '@kmsvault/web';
import { closeServer, listenLocal, urlOf } from '../ports';
import { type ApiGatewayAdapter, MAX_PAYLOAD_BYTES } from './adapter';
import { CONTENT_TYPES } from './content-types';

const STATIC_HEADERS = {
  'content-security-policy': WEB_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface LocalApiServerOptions {
  readonly adapter: ApiGatewayAdapter;
  /** Directory of the web vault's static files, served for paths outside the API. */
  readonly staticDir?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/** Serves the API (through the API Gateway adapter) and the web vault on one 127.0.0.1 port. */
export class LocalApiServer {
  private readonly server: Server;

  public constructor(private readonly options: LocalApiServerOptions) {
    this.server = createServer((req, res) => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('clientError', clientError);
  }

  public start(): Promise<string> {
    return listenLocal(this.server, this.options.port ?? 0);
  }

  public get url(): string {
    return urlOf(this.server);
  }

  public stop(): Promise<void> {
    return closeServer(this.server);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const isApi = path.startsWith('/v1/') || path === '/v1' || path.startsWith('/.well-known/');
    if (!isApi && (req.method === 'GET' || req.method === 'HEAD') && this.options.staticDir !== undefined) {
      return this.serveStatic(path, req, res);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_PAYLOAD_BYTES) return this.tooLarge(res);
    const body = await readLimited(req, MAX_PAYLOAD_BYTES);
    if (body === undefined) return this.tooLarge(res);
    const response = await this.options.adapter.handle({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    });
    res.writeHead(response.status, { ...response.headers, 'content-length': response.body.length });
    res.end(req.method === 'HEAD' ? undefined : response.body);
  }

  private tooLarge(res: ServerResponse): void {
    const result = problemResult(
      new PayloadTooLargeError(`The request body is over ${MAX_PAYLOAD_BYTES} bytes.`),
    );
    res.writeHead(result.statusCode, { ...result.headers, connection: 'close' });
    res.end(result.body);
  }

  private serveStatic(path: string, req: IncomingMessage, res: ServerResponse): void {
    const root = this.options.staticDir as string;
    let decoded: string;
    try {
      decoded = decodePath(path);
    } catch (err) {
      const result = problemResult(err);
      res.writeHead(result.statusCode, result.headers).end(req.method === 'HEAD' ? undefined : result.body);
      return;
    }
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(root, relative);
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(404).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) file = join(root, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      ...STATIC_HEADERS,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/**
 * Answers a request that Node's HTTP server refused before any handler saw it
 * with problem+json, as every other error, instead of Node's bare status line:
 * 431 for a request line and headers over Node's 16 KB limit, 408 when the
 * request did not arrive in time, 400 for malformed HTTP.
 */
export function clientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new VaultError(
          'header_fields_too_large',
          431,
          'Request header fields too large',
          'The request line and headers together are too large.',
        )
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new VaultError('request_timeout', 408, 'Request timeout', 'The request did not arrive in time.')
        : new ValidationError('The request is not valid HTTP.');
  const result = problemResult(error);
  const head = Object.entries({
    ...result.headers,
    'content-length': Buffer.byteLength(result.body),
    connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}\r\n${head}\r\n${result.body}`);
}

/** Reads the body, or returns undefined as soon as it passes `limit` bytes. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
