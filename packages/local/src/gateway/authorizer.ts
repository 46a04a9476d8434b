import type { Invoker } from '../lambda/types';
import type { ApiAuthorizer } from '../template/types';
import { FAILURES, type GatewayFailure } from './gateway-responses';
import { invokeWithin } from './invoke';
import { policyDecision } from './policy';

/** What the authorizer step ends with: the `requestContext.authorizer` to pass on, or a failure. */
export type AuthorizerOutcome =
  | { readonly ok: true; readonly context: Readonly<Record<string, string | number>> }
  | { readonly ok: false; readonly failure: GatewayFailure };

interface AuthorizerOutput {
  readonly principalId: string;
  readonly policyDocument: Record<string, unknown>;
  readonly context: Readonly<Record<string, string>>;
}

/** Entries kept in the result cache before it is emptied (API Gateway's cache is bounded too). */
const MAX_CACHED = 10_000;

export interface LambdaTokenAuthorizerOptions {
  readonly authorizer: ApiAuthorizer;
  readonly invoker: Invoker;
  /** How long API Gateway waits for the authorizer function. */
  readonly timeoutMs: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * A TOKEN Lambda authorizer as API Gateway runs it: the token from the
 * identity source header (missing or empty: 401 without invoking), checked
 * against identityValidationExpression, the function invoked with
 * `{type:'TOKEN', authorizationToken, methodArn}`, its output cached by token
 * for resultTtlSeconds (0: never) and evaluated against each request's own
 * method ARN. `Unauthorized` thrown by the function is 401; a Deny or a
 * policy that does not cover the method is 403; anything else the function
 * does wrong (throws, times out, malformed output) is
 * AUTHORIZER_CONFIGURATION_ERROR, 500 `{"message": null}`, as AWS answers.
 */
export class LambdaTokenAuthorizer {
  private readonly cache = new Map<
    string,
    { readonly output: AuthorizerOutput; readonly expiresAt: number }
  >();
  private readonly header: string;
  private readonly now: () => number;

  public constructor(private readonly options: LambdaTokenAuthorizerOptions) {
    this.header = options.authorizer.identitySource.replace(/^method\.request\.header\./i, '').toLowerCase();
    this.now = options.now ?? Date.now;
  }

  /** `headers` by lower-case name. */
  public async authorize(
    headers: Readonly<Record<string, string>>,
    methodArn: string,
  ): Promise<AuthorizerOutcome> {
    const token = headers[this.header];
    if (token === undefined || token.length === 0) return { ok: false, failure: FAILURES.unauthorized() };
    const expression = this.options.authorizer.identityValidationExpression;
    if (expression !== undefined && expression.length > 0 && !fullMatch(expression, token)) {
      return { ok: false, failure: FAILURES.unauthorized() };
    }
    const started = this.now();
    let output = this.cached(token);
    const cached = output !== undefined;
    if (output === undefined) {
      const result = await invokeWithin(
        this.options.invoker,
        this.options.authorizer.functionLogicalId,
        { type: 'TOKEN', authorizationToken: token, methodArn },
        this.options.timeoutMs,
      );
      if (
        result !== 'timeout' &&
        !result.ok &&
        result.errorType === 'Unhandled' &&
        result.errorMessage === 'Unauthorized'
      ) {
        return { ok: false, failure: FAILURES.unauthorized() };
      }
      output = result !== 'timeout' && result.ok ? parseOutput(result.payload) : undefined;
      if (output === undefined) return { ok: false, failure: FAILURES.authorizerConfigurationError() };
      this.remember(token, output);
    }
    const decision = policyDecision(output.policyDocument, methodArn);
    if (decision !== 'Allow') return { ok: false, failure: FAILURES.accessDenied(decision === 'Deny') };
    return {
      ok: true,
      context: {
        ...output.context,
        principalId: output.principalId,
        integrationLatency: cached ? 0 : this.now() - started,
      },
    };
  }

  private cached(token: string): AuthorizerOutput | undefined {
    const entry = this.cache.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry.output;
    this.cache.delete(token);
    return undefined;
  }

  private remember(token: string, output: AuthorizerOutput): void {
    const ttl = this.options.authorizer.resultTtlSeconds;
    if (ttl <= 0) return;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(token, { output, expiresAt: this.now() + ttl * 1000 });
  }
}

function fullMatch(expression: string, token: string): boolean {
  try {
    return new RegExp(`^(?:${expression})$`).test(token);
  } catch {
    return false;
  }
}

/**
 * The authorizer's answer, or undefined when API Gateway would refuse it: a
 * principalId and a policyDocument with statements are required, and context
 * values must be strings, numbers or booleans; they reach the integration
 * stringified, as API Gateway passes them.
 */
function parseOutput(payload: unknown): AuthorizerOutput | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const { principalId, policyDocument, context } = payload as Record<string, unknown>;
  if (typeof principalId !== 'string' && typeof principalId !== 'number') return undefined;
  if (String(principalId).length === 0) return undefined;
  if (policyDocument === null || typeof policyDocument !== 'object') return undefined;
  if ((policyDocument as Record<string, unknown>).Statement === undefined) return undefined;
  const values: Record<string, string> = {};
  if (context !== undefined && context !== null) {
    if (typeof context !== 'object' || Array.isArray(context)) return undefined;
    for (const [key, value] of Object.entries(context)) {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return undefined;
      values[key] = String(value);
    }
  }
  return {
    principalId: String(principalId),
    policyDocument: policyDocument as Record<string, unknown>,
    context: values,
  };
}
