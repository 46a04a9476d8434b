import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import {
  ForbiddenError,
  type FunctionName,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  problemResult,
  type RouteDefinition,
  RouteMatcher,
  resourcePathOf,
  ServiceUnavailableError,
  UnauthorizedError,
  VaultError,
} from '@kmsvault/core';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, Context } from 'aws-lambda';
import { policyDecision } from './policy';
import type { HttpRequest, HttpResponse, ProxyHandler, TokenAuthorizer } from './types';

/** API Gateway's hard limit on a request payload. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const ACCOUNT_ID = '111122223333';
const API_ID = 'kmsvaultlocal';

export interface ApiGatewayAdapterOptions {
  readonly routes: readonly RouteDefinition[];
  /** A handler per function; a route whose function is missing answers 501. */
  readonly functions: Partial<Record<FunctionName, ProxyHandler>>;
  /** The TOKEN authorizer run before every `bearer` route. */
  readonly authorizer?: TokenAuthorizer;
  /** @default 'v1' */
  readonly stage?: string;
  /** The integration timeout (API Gateway's is 29 s). @default 29_000 */
  readonly timeoutMs?: number;
  /**
   * How long a policy the authorizer returned is reused for the same token,
   * as API Gateway does; 0 runs the authorizer on every request, which is
   * what the construct sets (a cached policy would outlive logout and exp).
   * @default 0
   */
  readonly authorizerCacheTtlMs?: number;
  readonly region?: string;
}

class GatewayError extends VaultError {
  public constructor(status: number, code: string, title: string, detail: string) {
    super(code, status, title, detail);
    this.name = 'GatewayError';
  }
}

/**
 * Turns HTTP requests into API Gateway REST (v1) proxy events, runs the TOKEN
 * authorizer on protected routes as API Gateway would (401 without a token or
 * when the authorizer says Unauthorized, 403 on a Deny policy, its context
 * passed to the handler), calls the function and turns its result back into
 * HTTP. Routes come from the manifest, never declared here.
 */
export class ApiGatewayAdapter {
  private readonly matcher: RouteMatcher;
  private readonly stage: string;
  private readonly region: string;
  private readonly timeoutMs: number;
  private readonly policies = new Map<string, { result: APIGatewayAuthorizerResult; expiresAt: number }>();

  public constructor(private readonly options: ApiGatewayAdapterOptions) {
    this.matcher = new RouteMatcher(options.routes);
    this.stage = options.stage ?? 'v1';
    this.region = options.region ?? 'us-east-1';
    this.timeoutMs = options.timeoutMs ?? 29_000;
  }

  public async handle(request: HttpRequest): Promise<HttpResponse> {
    const requestId = randomUUID();
    try {
      return await this.dispatch(request, requestId);
    } catch (err) {
      return fromResult(problemResult(err, requestId));
    }
  }

  private async dispatch(request: HttpRequest, requestId: string): Promise<HttpResponse> {
    if (request.body.length > MAX_PAYLOAD_BYTES) {
      throw new PayloadTooLargeError(`The request body is over ${MAX_PAYLOAD_BYTES} bytes.`);
    }
    const url = new URL(request.url, 'http://local');
    const found = this.matcher.match(request.method, url.pathname);
    if (found.kind === 'none') throw new NotFoundError();
    if (found.kind === 'method') {
      throw new MethodNotAllowedError(
        `${request.method} is not allowed here; use ${found.allowed.join(', ')}.`,
        found.allowed,
      );
    }
    const { route, pathParameters } = found.match;
    const handler = this.options.functions[route.function];
    if (handler === undefined) {
      throw new GatewayError(
        501,
        'not_implemented',
        'Not implemented',
        `The ${route.function} function is not deployed.`,
      );
    }
    // The manifest's /v1/... is stage v1 plus the resource path, as on execute-api.
    const methodArn = `arn:aws:execute-api:${this.region}:${ACCOUNT_ID}:${API_ID}/${this.stage}/${route.method}${resourcePathOf(url.pathname)}`;
    const headers = singleHeaders(request.headers);
    const authorizer = route.auth === 'bearer' ? await this.authorize(headers, methodArn, requestId) : null;
    const event = this.event(request, url, route, pathParameters, headers, requestId, authorizer);
    const result = await this.invoke(handler, event, requestId);
    return fromResult(result);
  }

  private async authorize(
    headers: Record<string, string>,
    methodArn: string,
    requestId: string,
  ): Promise<Record<string, unknown>> {
    const token = headers.authorization;
    if (token === undefined || token.length === 0) throw new UnauthorizedError();
    const authorizer = this.options.authorizer;
    if (authorizer === undefined) {
      throw new GatewayError(501, 'not_implemented', 'Not implemented', 'No authorizer is deployed.');
    }
    const cached = this.policies.get(token);
    if (cached !== undefined && cached.expiresAt > Date.now() && allows(cached.result, methodArn)) {
      return { principalId: cached.result.principalId, ...(cached.result.context ?? {}) };
    }
    let result: APIGatewayAuthorizerResult;
    try {
      result = await authorizer(
        { type: 'TOKEN', authorizationToken: token, methodArn },
        lambdaContext(requestId, 'authorizer'),
      );
    } catch (err) {
      // API Gateway answers 401 when the authorizer fails with "Unauthorized";
      // any other failure is AUTHORIZER_FAILURE, which the construct's gateway
      // response turns into 503 with Retry-After (the authorizer could not reach KMS).
      if ((err as Error).message === 'Unauthorized') throw new UnauthorizedError();
      throw new ServiceUnavailableError('The authorizer could not check the token; retry shortly.', 1);
    }
    const ttl = this.options.authorizerCacheTtlMs ?? 0;
    if (ttl > 0) {
      if (this.policies.size > 10_000) this.policies.clear();
      this.policies.set(token, { result, expiresAt: Date.now() + ttl });
    }
    if (!allows(result, methodArn)) throw new ForbiddenError('The authorizer denied this request.');
    return { principalId: result.principalId, ...(result.context ?? {}) };
  }

  private event(
    request: HttpRequest,
    url: URL,
    route: RouteDefinition,
    pathParameters: Record<string, string>,
    headers: Record<string, string>,
    requestId: string,
    authorizer: Record<string, unknown> | null,
  ): APIGatewayProxyEvent {
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) {
      query[k] = v;
      multiQuery[k] = [...(multiQuery[k] ?? []), v];
    }
    const multiHeaders: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (v !== undefined) multiHeaders[k] = Array.isArray(v) ? v : [v];
    }
    // API Gateway hands text bodies over as strings; bytes that are not UTF-8
    // go base64-encoded, so that the function can refuse them instead of
    // seeing replacement characters.
    const text = isText(headers['content-type']) && isUtf8(request.body);
    const hasBody = request.body.length > 0;
    const now = Date.now();
    const path = resourcePathOf(url.pathname);
    return {
      resource: resourcePathOf(route.path),
      path,
      httpMethod: route.method,
      headers,
      multiValueHeaders: multiHeaders,
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
      pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
      stageVariables: null,
      body: hasBody ? request.body.toString(text ? 'utf8' : 'base64') : null,
      isBase64Encoded: hasBody && !text,
      requestContext: {
        accountId: ACCOUNT_ID,
        apiId: API_ID,
        authorizer,
        protocol: 'HTTP/1.1',
        httpMethod: route.method,
        path: `/${this.stage}${path}`,
        stage: this.stage,
        requestId,
        requestTimeEpoch: now,
        resourceId: route.operationId,
        resourcePath: resourcePathOf(route.path),
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: request.sourceIp ?? '127.0.0.1',
          user: null,
          userAgent: headers['user-agent'] ?? null,
          userArn: null,
        },
      },
    };
  }

  private async invoke(
    handler: ProxyHandler,
    event: APIGatewayProxyEvent,
    requestId: string,
  ): Promise<ProxyResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              504,
              'gateway_timeout',
              'Gateway timeout',
              'The function did not answer in time.',
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      const result = await Promise.race([handler(event, lambdaContext(requestId, 'api')), timeout]);
      return asProxyResult(result);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      // A function that throws is a 502 at API Gateway, whatever it threw.
      throw new GatewayError(502, 'bad_gateway', 'Bad gateway', 'The function failed.');
    } finally {
      clearTimeout(timer);
    }
  }
}

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

function asProxyResult(value: unknown): ProxyResult {
  const result = value as ProxyResult | null;
  if (result === null || typeof result !== 'object' || typeof result.statusCode !== 'number') {
    throw new GatewayError(502, 'bad_gateway', 'Bad gateway', 'The function returned a malformed response.');
  }
  return result;
}

function fromResult(result: ProxyResult): HttpResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {}))
    headers[k.toLowerCase()] = v.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded === true ? 'base64' : 'utf8');
  return { status: result.statusCode, headers, body };
}

function singleHeaders(headers: HttpRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

function isText(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  return /^(text\/|application\/([a-z.+-]*json|x-www-form-urlencoded|xml)|multipart\/form-data)/i.test(
    contentType,
  );
}

function allows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  return policyDecision(result.policyDocument, methodArn) === 'Allow';
}

function lambdaContext(requestId: string, fn: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `kmsvault-local-${fn}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:kmsvault-local-${fn}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/kmsvault-local-${fn}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
