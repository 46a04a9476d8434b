import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenLocal, urlOf } from '../ports';
import { clientError } from './client-error';
import type { CloudFrontDistribution } from './cloudfront';
import { forbidden, MAX_REQUEST_BYTES, type TemplateApiGateway } from './template-api';
import type { GatewayRequest, HttpResponse } from './types';

export interface TemplateGatewayServerOptions {
  /** The template's REST API stages; each answers under `/{stageName}/`. */
  readonly apis: readonly TemplateApiGateway[];
  /** The template's distribution, served for every path outside a stage. */
  readonly distribution?: CloudFrontDistribution;
  /** @default 0 (a free port) */
  readonly port?: number;
}

/**
 * One 127.0.0.1 port laid out as the deployed stack: `/{stage}/…` goes to
 * that REST API stage (as its execute-api URL would), everything else to the
 * CloudFront distribution when the template has one, else execute-api's 403
 * `{"message":"Forbidden"}` for a path that names no stage.
 */
export class TemplateGatewayServer {
  private readonly server: Server;
  private readonly stages = new Map<string, TemplateApiGateway>();

  public constructor(private readonly options: TemplateGatewayServerOptions) {
    for (const api of options.apis) {
      if (this.stages.has(api.stageName)) {
        throw new Error(
          `two REST APIs share the stage name ${api.stageName}: ${api.logicalId} and ${this.stages.get(api.stageName)?.logicalId}`,
        );
      }
      this.stages.set(api.stageName, api);
    }
    this.server = createServer((req, res) => {
      this.serve(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    // Malformed HTTP and oversized headers never reach API Gateway or CloudFront: answer as problem+json.
    this.server.on('clientError', clientError);
  }

  /** Resolves with the base URL, `http://127.0.0.1:PORT`. */
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
    const { body, complete } = await readUpTo(req, MAX_REQUEST_BYTES + 1);
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    }
    const request: GatewayRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    };
    const response = await this.route(request);
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': response.body.length,
      // A body left unread (over the limit) leaves the connection unusable.
      ...(complete ? {} : { connection: 'close' }),
    });
    res.end(req.method === 'HEAD' ? undefined : response.body);
  }

  private route(request: GatewayRequest): Promise<HttpResponse> {
    const stage = new URL(request.url, 'http://local').pathname.split('/')[1] ?? '';
    const api = this.stages.get(stage);
    if (api !== undefined) return api.handle(request);
    if (this.options.distribution !== undefined) return this.options.distribution.handle(request);
    return Promise.resolve(forbidden());
  }
}

/**
 * Reads the body up to `limit` bytes and stops there: a request over API
 * Gateway's limit is answered 413 from what was read, never buffered whole.
 */
function readUpTo(req: IncomingMessage, limit: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        req.off('data', onData);
        req.pause();
        resolve({ body: Buffer.concat(chunks).subarray(0, limit), complete: false });
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve({ body: Buffer.concat(chunks), complete: true }));
    req.on('error', reject);
  });
}
