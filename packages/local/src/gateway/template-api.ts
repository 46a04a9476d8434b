import { randomBytes, randomUUID } from 'node:crypto';
import type { Invoker } from '../lambda/types';
import type { ApiMethod, RestApiResource } from '../template/types';
import { LambdaTokenAuthorizer } from './authorizer';
import { FAILURES, type GatewayFailure, GatewayResponder, type ResponseContext } from './gateway-responses';
import { invokeWithin } from './invoke';
import { mockDivergences, mockResponse } from './mock';
import { fromProxyResult, proxyEvent } from './proxy-event';
import { ResourceTree } from './resources';
import type { GatewayRequest, HttpResponse } from './types';
import { RequestValidation } from './validation';

/** API Gateway's hard limit on a request payload. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** API Gateway's default integration timeout. */
export const INTEGRATION_TIMEOUT_MS = 29_000;

export interface TemplateApiGatewayOptions {
  /** The REST API as the template loader resolved it. */
  readonly api: RestApiResource;
  /** Runs the functions the methods and the authorizer name (worker processes in the local stack). */
  readonly invoker: Invoker;
  readonly region: string;
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** How long the gateway waits for an integration or the authorizer. @default 29_000 */
  readonly integrationTimeoutMs?: number;
}

interface RequestState {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly now: number;
  readonly context: ResponseContext;
}

/**
 * One REST API stage of the synthesized template, answering as the deployed
 * stage does at `https://{api}.execute-api.{region}.amazonaws.com/{stage}/…`:
 * resources and methods from the template (anything else is 403 Missing
 * Authentication Token), the TOKEN authorizer with its result cache, request
 * validation against the template's models, the Lambda proxy integration
 * through the Invoker, and the template's gateway responses for every answer
 * API Gateway gives itself.
 */
export class TemplateApiGateway {
  public readonly logicalId: string;
  public readonly restApiId: string;
  public readonly stageName: string;
  /** The host the deployed stage answers on. */
  public readonly executeApiDomain: string;
  /** Parts of the template this gateway does not run as AWS would, one line each. */
  public readonly divergences: readonly string[];
  private readonly tree: ResourceTree;
  private readonly responder: GatewayResponder;
  private readonly validation: RequestValidation;
  private readonly authorizers = new Map<string, LambdaTokenAuthorizer>();
  private readonly timeoutMs: number;

  public constructor(private readonly options: TemplateApiGatewayOptions) {
    const { api } = options;
    this.logicalId = api.logicalId;
    this.restApiId = api.restApiId;
    this.stageName = api.stageName;
    this.executeApiDomain = `${api.restApiId}.execute-api.${options.region}.amazonaws.com`;
    this.timeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
    this.tree = new ResourceTree(api.methods);
    this.responder = new GatewayResponder(api.gatewayResponses);
    this.validation = new RequestValidation(api.validators, api.models);
    const divergences = [...this.responder.divergences];
    for (const authorizer of api.authorizers) {
      if (authorizer.type !== 'TOKEN') {
        divergences.push(`authorizer ${authorizer.logicalId}: ${authorizer.type} authorizers are not run`);
        continue;
      }
      this.authorizers.set(
        authorizer.id,
        new LambdaTokenAuthorizer({ authorizer, invoker: options.invoker, timeoutMs: this.timeoutMs }),
      );
    }
    for (const method of api.methods) {
      const where = `${method.httpMethod} ${method.resourcePath}`;
      if (method.authorizationType === 'AWS_IAM' || method.authorizationType === 'COGNITO_USER_POOLS') {
        divergences.push(`${where}: ${method.authorizationType} authorization is not run (answers 500)`);
      }
      if (method.integration.type === 'OTHER')
        divergences.push(`${where}: its integration is not run (answers 500)`);
      if (method.integration.type === 'MOCK')
        divergences.push(...mockDivergences(where, method.integration.raw));
    }
    this.divergences = divergences;
  }

  /** Answers one request whose URL is `/{stage}/{path}?{query}`. */
  public async handle(request: GatewayRequest): Promise<HttpResponse> {
    const url = new URL(request.url, 'http://local');
    const [, stage, ...rest] = url.pathname.split('/');
    if (stage !== this.stageName) return forbidden();
    const path = `/${rest.join('/')}`;
    const state = this.state(request, path);
    const failure = await this.dispatch(request, url, path, state).catch(
      (): GatewayFailure => FAILURES.functionError(),
    );
    return 'status' in failure ? failure : this.responder.render(failure, state.context);
  }

  private async dispatch(
    request: GatewayRequest,
    url: URL,
    path: string,
    state: RequestState,
  ): Promise<HttpResponse | GatewayFailure> {
    if (request.body.length > MAX_REQUEST_BYTES) return FAILURES.requestTooLarge();
    const match = this.tree.match(request.method, path);
    if (match === undefined) return FAILURES.missingAuthenticationToken();
    const { method, pathParameters } = match;
    const headers = state.context.headers;
    let authorizer: Readonly<Record<string, string | number>> | undefined;
    if (method.authorizationType === 'CUSTOM') {
      const runner =
        method.authorizerId === undefined ? undefined : this.authorizers.get(method.authorizerId);
      if (runner === undefined) return FAILURES.authorizerConfigurationError();
      const outcome = await runner.authorize(headers, this.methodArn(request.method, path));
      if (!outcome.ok) return outcome.failure;
      authorizer = outcome.context;
    } else if (method.authorizationType !== 'NONE') {
      return FAILURES.apiConfigurationError();
    }
    const body = request.body.toString('utf8');
    const invalid = this.validation.check(method, { headers, query: url.searchParams, pathParameters, body });
    if (invalid !== undefined) return invalid;
    if (method.integration.type === 'MOCK') return this.withIds(mockResponse(method.integration.raw), state);
    if (method.integration.type !== 'AWS_PROXY') return FAILURES.apiConfigurationError();
    const event = proxyEvent({
      method,
      httpMethod: request.method.toUpperCase(),
      path,
      stage: this.stageName,
      query: url.searchParams,
      pathParameters,
      headers: this.forwardedHeaders(request, state),
      body: request.body,
      requestId: state.requestId,
      extendedRequestId: state.extendedRequestId,
      requestTimeEpoch: state.now,
      accountId: this.options.accountId,
      apiId: this.restApiId,
      domainName: state.context.domainName,
      sourceIp: state.context.sourceIp,
      ...(authorizer !== undefined ? { authorizer } : {}),
    });
    return this.integrate(method, event, state);
  }

  private async integrate(method: ApiMethod, event: unknown, state: RequestState) {
    if (method.integration.type !== 'AWS_PROXY') return FAILURES.apiConfigurationError();
    const result = await invokeWithin(
      this.options.invoker,
      method.integration.functionLogicalId,
      event,
      this.timeoutMs,
    );
    if (result === 'timeout') return FAILURES.integrationTimeout();
    // A function error of any kind, its own timeout included, is 502 at API Gateway.
    if (!result.ok) return FAILURES.functionError();
    const response = fromProxyResult(result.payload);
    return response === undefined ? FAILURES.functionError() : this.withIds(response, state);
  }

  private methodArn(httpMethod: string, path: string): string {
    const { partition = 'aws', region, accountId } = this.options;
    return `arn:${partition}:execute-api:${region}:${accountId}:${this.restApiId}/${this.stageName}/${httpMethod.toUpperCase()}/${path.replace(/^\//, '')}`;
  }

  private state(request: GatewayRequest, path: string): RequestState {
    const requestId = randomUUID();
    // API Gateway's extended ids are 16 base64 characters.
    const extendedRequestId = randomBytes(11).toString('base64');
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
    const sourceIp = request.sourceIp ?? '127.0.0.1';
    const context: ResponseContext = {
      requestId,
      extendedRequestId,
      apiId: this.restApiId,
      accountId: this.options.accountId,
      stage: this.stageName,
      path: `/${this.stageName}${path}`,
      httpMethod: request.method.toUpperCase(),
      domainName: headers.host ?? this.executeApiDomain,
      sourceIp,
      ...(headers['user-agent'] !== undefined ? { userAgent: headers['user-agent'] } : {}),
      headers,
    };
    return { requestId, extendedRequestId, now: Date.now(), context };
  }

  /** The request's headers plus the ones API Gateway adds before the integration. */
  private forwardedHeaders(request: GatewayRequest, state: RequestState): [string, string][] {
    const kept = request.headers.filter(([name]) => !/^x-forwarded-(for|proto|port)$/i.test(name));
    const forwardedFor = state.context.headers['x-forwarded-for'];
    const port = /:(\d+)$/.exec(state.context.headers.host ?? '')?.[1];
    return [
      ...kept.map(([n, v]): [string, string] => [n, v]),
      [
        'X-Forwarded-For',
        forwardedFor ? `${forwardedFor}, ${state.context.sourceIp}` : state.context.sourceIp,
      ],
      ['X-Forwarded-Proto', 'http'],
      ...(port !== undefined ? [['X-Forwarded-Port', port] as [string, string]] : []),
      ['X-Amzn-Trace-Id', traceId(state.now)],
    ];
  }

  private withIds(response: HttpResponse, state: RequestState): HttpResponse {
    return {
      ...response,
      headers: {
        ...response.headers,
        'x-amzn-requestid': state.requestId,
        'x-amz-apigw-id': state.extendedRequestId,
      },
    };
  }
}

/**
 * What execute-api answers for a stage that does not exist: 403
 * `{"message":"Forbidden"}`; no gateway response applies, there is no stage.
 */
export function forbidden(): HttpResponse {
  return {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' },
    body: Buffer.from('{"message":"Forbidden"}'),
  };
}

function traceId(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}
