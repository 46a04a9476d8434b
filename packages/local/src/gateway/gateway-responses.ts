import type { ApiGatewayResponse } from '../template/types';
import type { HttpResponse } from './types';

/**
 * An answer API Gateway gives itself, before or instead of the integration:
 * the gateway response type, the status it has by default, and the error
 * message `$context.error.message` carries.
 */
export interface GatewayFailure {
  /** `MISSING_AUTHENTICATION_TOKEN`, `UNAUTHORIZED`, ... */
  readonly responseType: string;
  /** The type's default status (502 for a function error, which has no type of its own). */
  readonly statusCode: number;
  /** `null` where API Gateway says `{"message": null}` (authorizer configuration errors). */
  readonly message: string | null;
  readonly validationErrorString?: string;
  /** The key of the built-in body: API Gateway's authorizer denial says `Message`. @default 'message' */
  readonly defaultKey?: 'message' | 'Message';
}

/** The `$context` values a gateway response template may name. */
export interface ResponseContext {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly stage: string;
  readonly path: string;
  readonly resourcePath?: string;
  readonly httpMethod: string;
  readonly domainName: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
  /** Request header values by lower-case name, for `method.request.header.X` mappings. */
  readonly headers: Readonly<Record<string, string>>;
}

/** API Gateway's built-in failures, with their documented default status and message. */
export const FAILURES = {
  missingAuthenticationToken: (): GatewayFailure => ({
    responseType: 'MISSING_AUTHENTICATION_TOKEN',
    statusCode: 403,
    message: 'Missing Authentication Token',
  }),
  unauthorized: (): GatewayFailure => ({
    responseType: 'UNAUTHORIZED',
    statusCode: 401,
    message: 'Unauthorized',
  }),
  accessDenied: (explicit: boolean): GatewayFailure => ({
    responseType: 'ACCESS_DENIED',
    statusCode: 403,
    message: explicit
      ? 'User is not authorized to access this resource with an explicit deny'
      : 'User is not authorized to access this resource',
    defaultKey: 'Message',
  }),
  /** A Lambda authorizer that throws (other than `Unauthorized`), times out or answers nonsense. */
  authorizerConfigurationError: (): GatewayFailure => ({
    responseType: 'AUTHORIZER_CONFIGURATION_ERROR',
    statusCode: 500,
    message: null,
  }),
  badRequestBody: (validationErrorString: string): GatewayFailure => ({
    responseType: 'BAD_REQUEST_BODY',
    statusCode: 400,
    message: 'Invalid request body',
    validationErrorString,
  }),
  badRequestParameters: (names: readonly string[]): GatewayFailure => ({
    responseType: 'BAD_REQUEST_PARAMETERS',
    statusCode: 400,
    message: `Missing required request parameters: [${names.join(', ')}]`,
  }),
  requestTooLarge: (): GatewayFailure => ({
    responseType: 'REQUEST_TOO_LARGE',
    statusCode: 413,
    message: 'Request Too Long',
  }),
  integrationTimeout: (): GatewayFailure => ({
    responseType: 'INTEGRATION_TIMEOUT',
    statusCode: 504,
    message: 'Endpoint request timed out',
  }),
  /** The function failed or answered a malformed proxy result: 502, no type of its own. */
  functionError: (): GatewayFailure => ({
    responseType: 'DEFAULT_5XX',
    statusCode: 502,
    message: 'Internal server error',
  }),
  /** A method whose integration the local gateway cannot run. */
  apiConfigurationError: (): GatewayFailure => ({
    responseType: 'API_CONFIGURATION_ERROR',
    statusCode: 500,
    message: 'Internal server error',
  }),
} as const;

/** `$context` variables AWS documents for gateway responses and mapping templates. */
const DOCUMENTED = new Set([
  'error.message',
  'error.messageString',
  'error.responseType',
  'error.validationErrorString',
  'requestId',
  'extendedRequestId',
  'apiId',
  'accountId',
  'stage',
  'path',
  'resourcePath',
  'httpMethod',
  'domainName',
  'identity.sourceIp',
  'identity.userAgent',
]);

/**
 * Renders gateway responses as the REST API defines them: the response for
 * the failure's type, else DEFAULT_4XX / DEFAULT_5XX by its status class,
 * else API Gateway's default `{"message":$context.error.messageString}`.
 * Templates are plain `$context.*` substitution, as AWS does for gateway
 * responses (no VTL directives); written by hand for that reason.
 */
export class GatewayResponder {
  private readonly byType = new Map<string, ApiGatewayResponse>();
  /** What the template asks for that this renderer does not do as AWS would. */
  public readonly divergences: readonly string[];

  public constructor(responses: readonly ApiGatewayResponse[]) {
    const divergences: string[] = [];
    for (const response of responses) {
      this.byType.set(response.responseType, response);
      for (const [name, value] of Object.entries(response.responseParameters)) {
        if (!isLiteral(value) && !value.startsWith('method.request.header.')) {
          divergences.push(`gateway response ${response.responseType}: ${name} = ${value} is not rendered`);
        }
      }
      for (const template of Object.values(response.responseTemplates)) {
        for (const [, name] of template.matchAll(/\$\{?context\.([A-Za-z.]+)\}?/g)) {
          if (name !== undefined && !DOCUMENTED.has(name) && name !== 'error.statusCode') {
            divergences.push(`gateway response ${response.responseType}: $context.${name} is not rendered`);
          }
          if (name === 'error.statusCode') {
            divergences.push(
              `gateway response ${response.responseType}: $context.error.statusCode is not among AWS's documented variables; rendered locally as the status code`,
            );
          }
        }
      }
    }
    this.divergences = [...new Set(divergences)];
  }

  public render(failure: GatewayFailure, context: ResponseContext): HttpResponse {
    const family = failure.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const entry = this.byType.get(failure.responseType) ?? this.byType.get(family);
    const status = entry?.statusCode !== undefined ? Number(entry.statusCode) : failure.statusCode;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(entry?.responseParameters ?? {})) {
      const header = name.replace(/^gatewayresponse\.header\./, '');
      const rendered = isLiteral(value)
        ? value.slice(1, -1)
        : context.headers[value.replace(/^method\.request\.header\./, '').toLowerCase()];
      if (rendered !== undefined) headers[header.toLowerCase()] = rendered;
    }
    headers['x-amzn-requestid'] = context.requestId;
    headers['x-amz-apigw-id'] = context.extendedRequestId;
    const templates = entry?.responseTemplates ?? {};
    const template =
      templates['application/json'] ??
      Object.values(templates)[0] ??
      `{"${failure.defaultKey ?? 'message'}":$context.error.messageString}`;
    const body = substitute(template, failure, status, context);
    return { status, headers, body: Buffer.from(body, 'utf8') };
  }
}

function isLiteral(value: string): boolean {
  return value.length >= 2 && value.startsWith("'") && value.endsWith("'");
}

function substitute(
  template: string,
  failure: GatewayFailure,
  status: number,
  context: ResponseContext,
): string {
  const values: Record<string, string> = {
    'error.message': failure.message ?? '',
    'error.messageString': JSON.stringify(failure.message),
    'error.responseType': failure.responseType,
    'error.validationErrorString': failure.validationErrorString ?? '',
    'error.statusCode': String(status),
    requestId: context.requestId,
    extendedRequestId: context.extendedRequestId,
    apiId: context.apiId,
    accountId: context.accountId,
    stage: context.stage,
    path: context.path,
    resourcePath: context.resourcePath ?? '',
    httpMethod: context.httpMethod,
    domainName: context.domainName,
    'identity.sourceIp': context.sourceIp,
    'identity.userAgent': context.userAgent ?? '',
  };
  // A name is read whole (`error.messageString`, not `error.message` + "String"); unknown ones stay as written.
  return template.replace(
    /\$\{context\.([A-Za-z.]+)\}|\$context\.([A-Za-z]+(?:\.[A-Za-z]+)*)/g,
    (whole, a, b) => {
      const name = (a ?? b) as string;
      const value = values[name];
      return value === undefined ? whole : value;
    },
  );
}
