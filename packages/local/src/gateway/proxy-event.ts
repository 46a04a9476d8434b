import { isUtf8 } from 'node:buffer';
import type { ApiMethod } from '../template/types';
import type { HttpResponse } from './types';

/** The REST API (v1) Lambda proxy event, as API Gateway builds it. */
export interface RestProxyEvent {
  readonly resource: string;
  readonly path: string;
  readonly httpMethod: string;
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
  readonly queryStringParameters: Record<string, string> | null;
  readonly multiValueQueryStringParameters: Record<string, string[]> | null;
  readonly pathParameters: Record<string, string> | null;
  readonly stageVariables: Record<string, string> | null;
  readonly requestContext: Record<string, unknown>;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
}

export interface ProxyEventInput {
  readonly method: ApiMethod;
  readonly httpMethod: string;
  /** The path inside the stage, `/secrets/abc`, as received. */
  readonly path: string;
  readonly stage: string;
  readonly query: URLSearchParams;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Header pairs as received, plus the ones API Gateway adds. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly requestTimeEpoch: number;
  readonly accountId: string;
  readonly apiId: string;
  readonly domainName: string;
  readonly sourceIp: string;
  readonly authorizer?: Readonly<Record<string, string | number>>;
}

/**
 * The proxy event for one request. `path` is the path inside the stage and
 * `requestContext.path` the full one with the stage, as on AWS. The API has no
 * binary media types, so a UTF-8 body goes as text with isBase64Encoded false,
 * as API Gateway does then; other bytes go base64-encoded (a divergence: what
 * API Gateway does with them is not documented).
 */
export function proxyEvent(input: ProxyEventInput): RestProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of input.headers) {
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of input.query) {
    query[k] = v;
    multiQuery[k] = [...(multiQuery[k] ?? []), v];
  }
  const userAgent = Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? null;
  return {
    resource: input.method.resourcePath,
    path: input.path,
    httpMethod: input.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: Object.keys(multiQuery).length > 0 ? multiQuery : null,
    pathParameters: Object.keys(input.pathParameters).length > 0 ? { ...input.pathParameters } : null,
    stageVariables: null,
    requestContext: {
      resourceId: input.method.resourceId,
      resourcePath: input.method.resourcePath,
      operationName: input.method.operationName,
      httpMethod: input.httpMethod,
      extendedRequestId: input.extendedRequestId,
      requestTime: clfTime(input.requestTimeEpoch),
      path: `/${input.stage}${input.path === '/' ? '/' : input.path}`,
      accountId: input.accountId,
      protocol: 'HTTP/1.1',
      stage: input.stage,
      domainPrefix: input.domainName.split('.')[0],
      requestTimeEpoch: input.requestTimeEpoch,
      requestId: input.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp: input.sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent,
        user: null,
      },
      domainName: input.domainName,
      apiId: input.apiId,
      ...(input.authorizer !== undefined ? { authorizer: { ...input.authorizer } } : {}),
    },
    // A text body as UTF-8 text. How API Gateway passes bytes that are not UTF-8 is not documented;
    // they go base64-encoded, so the function's own UTF-8 check sees them rather than U+FFFD.
    body:
      input.body.length === 0
        ? null
        : isUtf8(input.body)
          ? input.body.toString('utf8')
          : input.body.toString('base64'),
    isBase64Encoded: input.body.length > 0 && !isUtf8(input.body),
  };
}

/**
 * Maps a function's proxy result back to HTTP, or returns undefined when API
 * Gateway would call it malformed (502): not an object, no integer
 * statusCode, headers that are not a map of scalars, multiValueHeaders that
 * are not a map of lists, a body that is not a string. The body goes out as
 * the function wrote it: with no binary media types on the API, API Gateway
 * does not decode an isBase64Encoded body.
 */
export function fromProxyResult(payload: unknown): HttpResponse | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const result = payload as Record<string, unknown>;
  const status = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return undefined;
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') return undefined;
  const headers: Record<string, string | string[]> = {};
  const add = (name: string, value: unknown): boolean => {
    if (!['string', 'number', 'boolean'].includes(typeof value)) return false;
    const key = name.toLowerCase();
    const existing = [headers[key] ?? []].flat();
    // A name/value pair in both headers and multiValueHeaders appears once, as API Gateway merges them.
    if (!existing.includes(String(value))) existing.push(String(value));
    headers[key] = existing.length === 1 ? (existing[0] as string) : existing;
    return true;
  };
  if (!isMap(result.multiValueHeaders) || !isMap(result.headers)) return undefined;
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    if (!Array.isArray(values) || !values.every((v) => add(name, v))) return undefined;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!add(name, value)) return undefined;
  }
  headers['content-type'] ??= 'application/json';
  return { status, headers, body: Buffer.from((result.body as string | undefined) ?? '', 'utf8') };
}

function isMap(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, the CLF time API Gateway puts in requestTime. */
function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
