import { VaultError } from '../domain/errors';

/**
 * The HTTP result shape every handler returns. It is the API Gateway proxy
 * result, declared here so that core carries no Lambda event types.
 */
export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const JSON_CONTENT_TYPE = 'application/json';

/** Baseline response headers: no caching of vault data, no sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  [extension: string]: unknown;
}

/** RFC 9457 problem document for any error; unknown errors say nothing of their cause. */
export function toProblem(error: unknown, requestId?: string): ProblemDocument {
  const base =
    error instanceof VaultError
      ? {
          // Extensions first: they never override the standard members.
          ...error.extensions(),
          type: `https://kmsvault.dev/problems/${error.code}`,
          title: error.title,
          status: error.status,
          detail: error.message,
          code: error.code,
        }
      : {
          type: 'https://kmsvault.dev/problems/internal_error',
          title: 'Internal error',
          status: 500,
          detail: 'The vault could not complete the request.',
          code: 'internal_error',
        };
  return requestId === undefined ? base : { ...base, instance: `urn:request:${requestId}` };
}

export function problemResult(error: unknown, requestId?: string): HttpResult {
  const problem = toProblem(error, requestId);
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': PROBLEM_CONTENT_TYPE };
  const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['retry-after'] = String(Math.ceil(retryAfter));
  return { statusCode: problem.status, headers, body: JSON.stringify(problem) };
}

export function jsonResult(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { ...SECURITY_HEADERS, 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

export function emptyResult(statusCode: number, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...SECURITY_HEADERS, ...headers }, body: '' };
}
