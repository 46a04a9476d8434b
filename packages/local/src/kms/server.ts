import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifySignature } from '../iam/sigv4';
import type { LocalIam } from '../iam/types';
import { closeServer, listenLocal, urlOf } from '../ports';
import type { KmsCall } from './authorize';
import { KmsEmulator, type KmsEmulatorOptions } from './emulator';
import { KmsError } from './errors';
import { FaultInjector, FaultSpecError } from './faults';

const TARGET_PREFIX = 'TrentService.';
const MAX_REQUEST_BYTES = 1024 * 1024;

export interface KmsEmulatorServerOptions extends KmsEmulatorOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
}

/**
 * An HTTP server on 127.0.0.1 that speaks KMS's JSON 1.1 protocol
 * (`X-Amz-Target: TrentService.<Operation>`), so `@aws-sdk/client-kms` works
 * against it unchanged. Without `iam` requests are not authenticated; with
 * it, each request's SigV4 signature is verified against the local IAM's
 * credentials and the caller is authorized as KMS would.
 *
 * Test hooks beside the protocol:
 * - `GET /_stats`: calls per operation; `POST /_stats/reset` zeroes them.
 * - `POST /_faults` `{operations?, mode, latencyMs?, count?}`: make matching
 *   calls fail as KMS does under load or outage, or slow them down;
 *   `DELETE /_faults` clears every fault.
 */
export class KmsEmulatorServer {
  public readonly emulator: KmsEmulator;
  private readonly iam: LocalIam | undefined;
  private readonly server: Server;
  private readonly requestedPort: number;
  private calls: Record<string, number> = {};
  private errors: Record<string, number> = {};
  private readonly faults = new FaultInjector();

  public constructor(options: KmsEmulatorServerOptions = {}) {
    this.emulator = new KmsEmulator(options);
    this.iam = options.iam;
    this.requestedPort = options.port ?? 0;
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        send(res, 500, { __type: 'KMSInternalException', message: (err as Error).message });
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  public start(): Promise<string> {
    return listenLocal(this.server, this.requestedPort);
  }

  public get endpoint(): string {
    return urlOf(this.server);
  }

  public stop(): Promise<void> {
    return closeServer(this.server);
  }

  public stats(): { calls: Record<string, number>; errors: Record<string, number>; total: number } {
    const total = Object.values(this.calls).reduce((a, b) => a + b, 0);
    return { calls: { ...this.calls }, errors: { ...this.errors }, total };
  }

  public resetStats(): void {
    this.calls = {};
    this.errors = {};
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/_stats' && req.method === 'GET') return send(res, 200, this.stats());
    if (path === '/_stats/reset' && req.method === 'POST') {
      this.resetStats();
      return send(res, 200, this.stats());
    }
    if (path === '/_faults') return this.routeFaults(req, res);
    if (path !== '/' || req.method !== 'POST') {
      return send(res, 404, { message: `${req.method} ${path} is not a KMS endpoint` });
    }
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      return sendError(
        res,
        new KmsError('UnknownOperationException', 'X-Amz-Target must be TrentService.<Operation>'),
      );
    }
    const operation = target.slice(TARGET_PREFIX.length);
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    try {
      const body = await readBody(req);
      await this.faults.apply(operation);
      let input: Record<string, unknown>;
      try {
        const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new Error('not an object');
        input = parsed as Record<string, unknown>;
      } catch {
        throw new KmsError('SerializationException', 'the request body is not a JSON object');
      }
      send(res, 200, this.emulator.handle(operation, input, this.callerOf(req, body)));
    } catch (err) {
      const error =
        err instanceof KmsError
          ? err
          : new KmsError('KMSInternalException', (err as Error).message ?? 'internal error');
      this.errors[operation] = (this.errors[operation] ?? 0) + 1;
      sendError(res, error);
    }
  }

  /** The verified caller; a request that is unsigned or signed wrongly fails as KMS fails it. */
  private callerOf(req: IncomingMessage, body: Buffer): KmsCall {
    if (this.iam === undefined) return {};
    const [path, query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    const verification = verifySignature(
      { method: req.method ?? 'POST', path, query, headers: req.headers, body },
      this.iam,
    );
    if ('principal' in verification) return { principal: verification.principal };
    switch (verification.failure) {
      case 'missing':
        throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      case 'unknown-key':
        throw new KmsError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      case 'bad-signature':
        throw new KmsError(
          'InvalidSignatureException',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        );
    }
  }

  private async routeFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'DELETE') {
      this.faults.clear();
      return send(res, 200, { faults: [] });
    }
    if (req.method === 'GET') return send(res, 200, { faults: this.faults.list() });
    if (req.method !== 'POST') return send(res, 405, { message: 'use GET, POST or DELETE on /_faults' });
    let spec: unknown;
    try {
      spec = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return send(res, 400, { message: 'the body is not JSON' });
    }
    try {
      return send(res, 201, { faults: this.faults.add(spec) });
    } catch (err) {
      if (err instanceof FaultSpecError) return send(res, 400, { message: err.message });
      throw err;
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new KmsError('ValidationException', 'the request is over 1 MiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: KmsError): void {
  res.setHeader('x-amzn-errortype', error.type);
  send(res, error.status, { __type: error.type, message: error.message });
}
