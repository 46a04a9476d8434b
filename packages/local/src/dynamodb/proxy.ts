import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AuthorizationDecision, AuthorizationRequest, LocalPrincipal } from '../iam/types';
import { closeServer, listenLocal } from '../ports';
import {
  checksFor,
  type DynamoDbCheck,
  DynamoDbRequestError,
  type DynamoDbScope,
  operationOf,
} from './actions';
import { objectOf } from './leading-keys';
import {
  AUTHENTICATION_ERRORS,
  accessDeniedMessage,
  type DynamoDbErrorType,
  sendError,
  UNRECOGNIZED_CLIENT_MESSAGE,
} from './responses';

/** DynamoDB's largest request: 16 MB (a BatchWriteItem of 25 items of 400 KB fits well below). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** A request as it reached the proxy, for SigV4 verification. */
export interface ProxiedRequest {
  readonly method: string;
  /** The path, without the query string: `/`. */
  readonly path: string;
  /** The raw query string without `?`; `''` when there is none. */
  readonly query: string;
  /** Node's headers: lower-case names, repeated ones joined with `, `. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * The principal a request's credentials act as; undefined for credentials
 * that map to none (answered UnrecognizedClientException). May throw an Error
 * whose `name` is an AWS authentication error (`InvalidSignatureException`,
 * `IncompleteSignatureException`, `MissingAuthenticationTokenException`,
 * `ExpiredTokenException`, `UnrecognizedClientException`): the proxy answers
 * it with that type and message.
 */
export type Authenticate = (
  request: ProxiedRequest,
) => LocalPrincipal | undefined | Promise<LocalPrincipal | undefined>;

/** The IAM evaluator (LocalIam.authorize). */
export type Authorize = (
  request: AuthorizationRequest,
) => AuthorizationDecision | Promise<AuthorizationDecision>;

export interface DynamoDbProxyOptions {
  /** DynamoDB Local's endpoint: `http://127.0.0.1:PORT`. */
  readonly target: string;
  readonly authenticate: Authenticate;
  readonly authorize: Authorize;
  readonly region: string;
  readonly account: string;
  /** @default a free port */
  readonly port?: number;
  /** The partition key attribute of a table or index, for `dynamodb:LeadingKeys`. @default no LeadingKeys */
  readonly partitionKeyOf?: DynamoDbScope['partitionKeyOf'];
  /** @default MAX_REQUEST_BYTES (16 MB) */
  readonly maxRequestBytes?: number;
  /** Where internal failures are told (messages only, never a body or a header). @default nowhere */
  readonly log?: (line: string) => void;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so a proxy does not pass them on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The authorizing loopback proxy in front of DynamoDB Local: DynamoDB Local
 * checks no credentials and no permissions, so the functions reach it only
 * through this proxy, which, for each request, finds the principal from the
 * credentials, asks the IAM evaluator about every action and resource the
 * call needs (as DynamoDB's own authorization does), and only then forwards
 * the request unchanged and streams the answer back. Denials answer as
 * DynamoDB does, so the SDK raises AccessDeniedException.
 *
 * Written by hand: no library authorizes DynamoDB calls against IAM policies.
 */
export class DynamoDbProxy {
  private server: Server | undefined;
  private url: string | undefined;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly target: URL;
  private readonly scope: DynamoDbScope;
  private readonly maxRequestBytes: number;

  public constructor(private readonly options: DynamoDbProxyOptions) {
    this.target = new URL(options.target);
    if (this.target.protocol !== 'http:') {
      throw new Error(`target must be an http:// endpoint (DynamoDB Local), got ${options.target}`);
    }
    this.scope = {
      region: options.region,
      account: options.account,
      ...(options.partitionKeyOf !== undefined ? { partitionKeyOf: options.partitionKeyOf } : {}),
    };
    this.maxRequestBytes = options.maxRequestBytes ?? MAX_REQUEST_BYTES;
  }

  /** The proxy's base URL, `http://127.0.0.1:PORT`; throws before start(). */
  public get endpoint(): string {
    if (this.url === undefined) throw new Error('the DynamoDB proxy is not started');
    return this.url;
  }

  /** Listens on 127.0.0.1 only; resolves with the endpoint. */
  public async start(): Promise<string> {
    if (this.url !== undefined) return this.url;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(res, err));
    });
    // Longer than the SDK keeps idle sockets, so the proxy never closes one the client is about to reuse.
    server.keepAliveTimeout = 65_000;
    this.server = server;
    this.url = await listenLocal(server, this.options.port ?? 0);
    return this.url;
  }

  /** Stops listening, drops open connections and idle upstream sockets. */
  public async stop(): Promise<void> {
    if (this.server !== undefined) await closeServer(this.server);
    this.agent.destroy();
    this.server = undefined;
    this.url = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await this.readBody(req, res);
    if (body === undefined) return;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const principal = await this.principalOf(
      {
        method: req.method ?? 'GET',
        path: queryAt < 0 ? url : url.slice(0, queryAt),
        query: queryAt < 0 ? '' : url.slice(queryAt + 1),
        headers: req.headers,
        body,
      },
      res,
    );
    if (principal === undefined) return;
    const checks = this.checksOf(req.headers['x-amz-target'], body, principal, res);
    if (checks === undefined) return;
    for (const check of checks) {
      const decision = await this.options.authorize({
        principal,
        action: check.action,
        resource: check.resource,
        context: check.context,
      });
      if (!decision.allowed) {
        const result = decision.result === 'explicit_deny' ? 'explicit_deny' : 'implicit_deny';
        const message = accessDeniedMessage(principal.sessionArn, check.action, check.resource, result);
        return sendError(res, 400, 'AccessDeniedException', message);
      }
    }
    this.forward(req, res, body);
  }

  /** Reads the whole body (authorization needs it), or answers 413 past the limit. */
  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const tooLarge = () => {
        // Stop buffering but keep draining, so the answer reaches the client before the connection closes.
        req.removeListener('data', collect);
        req.resume();
        sendError(res, 413, 'RequestEntityTooLarge', `Request size exceeded ${this.maxRequestBytes} bytes`, {
          Connection: 'close',
        });
        resolve(undefined);
      };
      const chunks: Buffer[] = [];
      let size = 0;
      const collect = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxRequestBytes) return tooLarge();
        chunks.push(chunk);
      };
      if (Number(req.headers['content-length'] ?? 0) > this.maxRequestBytes) return tooLarge();
      req.on('data', collect);
      req.once('end', () => resolve(size > this.maxRequestBytes ? undefined : Buffer.concat(chunks)));
      req.once('error', reject);
    });
  }

  private async principalOf(
    request: ProxiedRequest,
    res: ServerResponse,
  ): Promise<LocalPrincipal | undefined> {
    try {
      const principal = await this.options.authenticate(request);
      if (principal === undefined)
        sendError(res, 400, 'UnrecognizedClientException', UNRECOGNIZED_CLIENT_MESSAGE);
      return principal;
    } catch (err) {
      if (err instanceof Error && AUTHENTICATION_ERRORS.has(err.name)) {
        sendError(res, 400, err.name as DynamoDbErrorType, err.message);
        return undefined;
      }
      throw err;
    }
  }

  /** The checks the call needs, or undefined once it is answered (unknown operation, bad body, unsupported). */
  private checksOf(
    target: string | string[] | undefined,
    body: Buffer,
    principal: LocalPrincipal,
    res: ServerResponse,
  ): readonly DynamoDbCheck[] | undefined {
    try {
      const operation = operationOf(Array.isArray(target) ? target[0] : target);
      let parsed: unknown;
      try {
        parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new DynamoDbRequestError('SerializationException', 'the request body is not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new DynamoDbRequestError('SerializationException', 'the request body is not a JSON object');
      }
      return checksFor(operation, objectOf(parsed), this.scope);
    } catch (err) {
      if (!(err instanceof DynamoDbRequestError)) throw err;
      const message =
        err.code === 'AccessDeniedException'
          ? `User: ${principal.sessionArn} is not authorized to perform: ${err.action ?? 'this action'} because ${err.message}`
          : err.message;
      sendError(res, 400, err.code, message);
      return undefined;
    }
  }

  /** Sends the request on to DynamoDB Local as it came, and streams the answer back. */
  private forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const headers: OutgoingHttpHeaders = withoutHopByHop(req.headers);
    headers['content-length'] = String(body.length);
    const upstream = httpRequest({
      protocol: this.target.protocol,
      hostname: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: this.agent,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      answer.on('close', () => {
        if (!answer.complete) res.destroy();
      });
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // As DynamoDB looks when it cannot serve: 503, a server fault the SDK retries.
      sendError(res, 503, 'ServiceUnavailable', `DynamoDB Local did not answer (${err.code ?? err.message})`);
    });
    // The client gave up (its own timeout): stop waiting for DynamoDB Local.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.options.log?.(`DynamoDB proxy: ${err instanceof Error ? err.message : String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, 500, 'InternalServerError', 'Internal server error');
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}
