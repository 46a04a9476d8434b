/**
 * Security events: log lines an operator alarms on, distinct from
 * operational noise. Each carries identifiers only, never a value, a token or
 * key material.
 */

/**
 * The message of the log line for a stored item that failed verification
 * (tampered, forged, rolled back). The Vault construct counts lines with this
 * message (a metric filter on each function's log group) and alarms on any.
 */
export const INTEGRITY_EVENT = 'integrity_error';

/** The message of the log line for a failed or throttled KMS or DynamoDB call. */
export const DEPENDENCY_EVENT = 'dependency unavailable';

/** Where an integrity failure happened: who asked, which item, which route. */
export interface IntegrityEvent {
  /** The caller, when the route is authenticated. */
  readonly userId?: string;
  /** The item as the request names it (secret id, version); absent for whole-vault reads. */
  readonly itemKey?: Readonly<Record<string, string>>;
  /** The route template, e.g. `GET /v1/secrets/:id`. */
  readonly route?: string;
  /** What failed (the IntegrityError's detail: an attribute or the signature, never a value). */
  readonly reason: string;
  readonly requestId?: string;
}

export interface SecurityLogger {
  error(message: string, ...rest: unknown[]): void;
}

/** Logs one integrity failure as a security event (ERROR, `category: "security"`). */
export function logIntegrityEvent(logger: SecurityLogger, event: IntegrityEvent): void {
  logger.error(INTEGRITY_EVENT, { category: 'security', ...event });
}
