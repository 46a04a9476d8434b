import { ValidationError, VaultError } from '../domain/errors';

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
  const allow = (error as { allow?: unknown }).allow;
  if (Array.isArray(allow) && allow.length > 0) headers.allow = allow.join(', ');
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

/** What `ifMatchVersion` answers for a field that names no version strongly: no item has it. */
const NO_VERSION = -1;

/**
 * The version an `If-Match` field names, compared strongly as RFC 9110
 * (section 13.1.1) requires: only a strong entity-tag `"n"`, written as the
 * ETag is, names version n. Undefined when the field is absent (the write then
 * answers 428). A weak tag (`W/"n"`, which by RFC 9110 section 8.8.3.2 never
 * matches strongly), a bare number, `"01"`, `*` or a list names no version,
 * so the write answers 412: the field is a valid precondition that is false.
 */
export function ifMatchVersion(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const strong = /^"([1-9]\d{0,9})"$/.exec(field.trim());
  return strong ? Number(strong[1]) : NO_VERSION;
}

/**
 * Decodes one percent-encoded URL path or path segment; a malformed escape
 * (`%zz`, a cut-off or invalid UTF-8 sequence) is a 400, not a crash.
 */
export function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new ValidationError('The path has a malformed percent-escape.');
  }
}
