/**
 * One error hierarchy for kmsvault. Every error that can reach a client has a
 * stable `code` and an HTTP `status`; the API maps it to RFC 9457
 * problem+json. Anything else reaching the edge is a 500 with no detail.
 */
export class VaultError extends Error {
  public readonly code: string;
  public readonly status: number;
  public readonly title: string;

  public constructor(
    code: string,
    status: number,
    title: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'VaultError';
    this.code = code;
    this.status = status;
    this.title = title;
  }

  /** Extension members for the problem document; never secrets. */
  public extensions(): Record<string, unknown> {
    return {};
  }
}

export class ValidationError extends VaultError {
  public constructor(
    detail: string,
    public readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super('validation_failed', 400, 'The request is not valid', detail);
    this.name = 'ValidationError';
  }

  public override extensions(): Record<string, unknown> {
    return this.errors.length > 0 ? { errors: this.errors } : {};
  }
}

export class NotFoundError extends VaultError {
  public constructor(detail = 'There is nothing at this address.') {
    super('not_found', 404, 'Not found', detail);
    this.name = 'NotFoundError';
  }
}

export class MethodNotAllowedError extends VaultError {
  /** @param allow the methods the resource does support, sent as the Allow header (RFC 9110 15.5.6). */
  public constructor(
    detail: string,
    public readonly allow: readonly string[] = [],
  ) {
    super('method_not_allowed', 405, 'Method not allowed', detail);
    this.name = 'MethodNotAllowedError';
  }
}

export class PayloadTooLargeError extends VaultError {
  public constructor(detail: string) {
    super('payload_too_large', 413, 'Payload too large', detail);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnauthorizedError extends VaultError {
  public constructor(detail = 'A valid bearer token is required.') {
    super('unauthorized', 401, 'Unauthorized', detail);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends VaultError {
  public constructor(detail = 'This token may not do that.') {
    super('forbidden', 403, 'Forbidden', detail);
    this.name = 'ForbiddenError';
  }
}

/**
 * The operation needs the login password given recently (step-up
 * authentication, OpenID Connect's max_age): the client asks for it, sends
 * it to POST /v1/auth/reauthenticate and tries again with that token.
 */
export class ReauthenticationRequiredError extends VaultError {
  public constructor(public readonly maxAgeSeconds: number) {
    super(
      'reauthentication_required',
      403,
      'Re-authentication required',
      `This needs your login password given in the last ${Math.round(maxAgeSeconds / 60)} minutes: send it to POST /v1/auth/reauthenticate and try again with the access token it answers.`,
    );
    this.name = 'ReauthenticationRequiredError';
  }
}

/** A dependency (KMS, DynamoDB) failed or is throttling; the client may retry. */
export class ServiceUnavailableError extends VaultError {
  public constructor(
    detail: string,
    public readonly retryAfterSeconds = 1,
    private readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super('service_unavailable', 503, 'Service unavailable', detail, options);
    this.name = 'ServiceUnavailableError';
  }

  public override extensions(): Record<string, unknown> {
    return { ...this.extra };
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'KMSInternalException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
  // Powertools idempotency wraps the DynamoDB failure underneath.
  'IdempotencyPersistenceLayerError',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|socket hang up)\b/;

function isTransient(error: unknown, depth: number): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const meta = error as Error & { $fault?: string; code?: string; $metadata?: unknown; cause?: unknown };
  return (
    TRANSIENT_NAMES.has(error.name) ||
    (meta.$metadata !== undefined && meta.$fault === 'server') ||
    (meta.code !== undefined && NETWORK_CODES.has(meta.code)) ||
    // The SDK sometimes wraps a network error ("AWS SDK error wrapper for Error: connect ECONNREFUSED").
    NETWORK_MESSAGE.test(error.message) ||
    isTransient(meta.cause, depth + 1)
  );
}

/**
 * Maps an error from an AWS client to what the caller should see: a
 * throttled, failing or unreachable dependency is a ServiceUnavailableError
 * (503, Retry-After); anything else is returned unchanged.
 */
export function classifyDependencyError(error: unknown): unknown {
  if (error instanceof VaultError || !isTransient(error, 0)) return error;
  return new ServiceUnavailableError(
    'A service the vault depends on is unavailable; retry shortly.',
    1,
    {},
    { cause: error },
  );
}
export class ConflictError extends VaultError {
  public constructor(code: string, detail: string) {
    super(code, 409, 'Conflict', detail);
    this.name = 'ConflictError';
  }
}

export class TooManyRequestsError extends VaultError {
  public constructor(
    detail: string,
    public readonly retryAfterSeconds: number,
  ) {
    super('too_many_requests', 429, 'Too many requests', detail);
    this.name = 'TooManyRequestsError';
  }

  public override extensions(): Record<string, unknown> {
    return { retryAfter: this.retryAfterSeconds };
  }
}

export class UnsupportedMediaTypeError extends VaultError {
  public constructor(detail: string) {
    super('unsupported_media_type', 415, 'Unsupported media type', detail);
    this.name = 'UnsupportedMediaTypeError';
  }
}
