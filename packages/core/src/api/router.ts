import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { VaultConfig } from '../config';
import {
  classifyDependencyError,
  MethodNotAllowedError,
  NotFoundError,
  ReauthenticationRequiredError,
  UnauthorizedError,
  VaultError,
} from '../domain/errors';
import { type HttpResult, problemResult } from './http';
import { API_STAGE, resourcePathOf, routesFor } from './routes';
import { DEPENDENCY_EVENT, INTEGRITY_EVENT, logIntegrityEvent } from './security-events';
import type { FunctionName } from './types';

/**
 * The parts of an API Gateway REST proxy event that handlers read, declared
 * structurally so that core carries no Lambda event types.
 */
export interface ApiEvent {
  readonly headers: Record<string, string | undefined> | null;
  readonly body: string | null;
  readonly isBase64Encoded?: boolean;
  readonly queryStringParameters: Record<string, string | undefined> | null;
  readonly pathParameters: Record<string, string | undefined> | null;
  readonly requestContext: {
    readonly requestId: string;
    readonly authorizer?: Record<string, unknown> | null;
    readonly identity?: { readonly sourceIp?: string | null };
  };
}

export interface OperationContext {
  readonly event: ApiEvent;
  /** The Lambda context, as the runtime passed it. */
  readonly lambdaContext: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly requestId: string;
}

export type OperationHandler = (ctx: OperationContext) => Promise<HttpResult>;

export interface RouterLogger {
  info(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/**
 * A Powertools HTTP router for one function, registered from the route
 * manifest: every manifest route of the function must have a handler, and no
 * handler may exist without a route. Errors become problem+json; an error
 * that is not a VaultError is logged (name and code only) and answered 500
 * without detail. An integrity failure is a security event (`integrity_error`
 * with the user, the item and the route, never a value), not a dependency
 * failure.
 */
export function buildRouter(
  fn: FunctionName,
  handlers: Readonly<Record<string, OperationHandler>>,
  logger: RouterLogger,
): Router {
  const app = new Router({ logger });
  const routes = routesFor(fn);
  const extra = Object.keys(handlers).filter((id) => !routes.some((r) => r.operationId === id));
  if (extra.length > 0) throw new Error(`handlers without a route in the manifest: ${extra.join(', ')}`);
  for (const route of routes) {
    const handler = handlers[route.operationId];
    if (handler === undefined)
      throw new Error(`no handler for ${route.operationId} (${route.method} ${route.path})`);
    // API Gateway hands the function the path under the stage: /v1/secrets/x arrives as /secrets/x.
    const path = resourcePathOf(route.path).replace(/\{([A-Za-z0-9_]+)\}/g, ':$1') as `/${string}`;
    app.route(
      async ({ event, params, context }) => {
        const apiEvent = event as unknown as ApiEvent;
        const result = await handler({
          event: apiEvent,
          lambdaContext: context,
          params,
          requestId: apiEvent.requestContext.requestId,
        });
        // A Web Response may carry no body at all for 204/304; the router builds one from our result.
        if (result.statusCode === 204 || result.statusCode === 304) {
          return new Response(null, { status: result.statusCode, headers: result.headers ?? {} });
        }
        return result;
      },
      { method: route.method, path },
    );
  }
  const requestIdOf = (event: unknown) => (event as ApiEvent | undefined)?.requestContext?.requestId;
  app.notFound(async (_error, { event }) => problemResult(new NotFoundError(), requestIdOf(event)));
  app.methodNotAllowed(async (_error, { event }) =>
    problemResult(new MethodNotAllowedError('This method is not allowed here.'), requestIdOf(event)),
  );
  app.errorHandler(Error, async (error, { event, params, route }) => {
    const classified = classifyDependencyError(fromRouterError(error));
    if (!(classified instanceof VaultError)) logger.error('unhandled error', { errorName: error.name });
    else if (classified.code === INTEGRITY_EVENT) {
      logIntegrityEvent(logger, {
        ...callerIdOf(event),
        ...itemKeyOf(params),
        // The router sees the path under the stage; operators read the public path (`GET /v1/secrets/:id`).
        ...(route === null ? {} : { route: route.replace(' /', ` /${API_STAGE}/`) }),
        reason: classified.message,
        ...requestIdField(requestIdOf(event)),
      });
    } else if (classified.status >= 500) logger.warn(DEPENDENCY_EVENT, { errorName: error.name });
    return problemResult(classified, requestIdOf(event));
  });
  return app;
}

/** What every API function is built from: its clients, configuration and logger. */
export interface FunctionDependencies {
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly config: VaultConfig;
  readonly logger: RouterLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Lambda-shaped handler: `(event, context) => result`. */
export type ApiHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** The caller's user and session, as the authorizer handed them over; 401 without them. */
export function callerOf(ctx: OperationContext): {
  userId: string;
  sessionId: string | undefined;
  /** Epoch seconds the caller last gave the password (the token's auth_time); undefined when unknown. */
  authTime: number | undefined;
} {
  const auth = ctx.event.requestContext.authorizer ?? {};
  const userId = auth.userId;
  if (typeof userId !== 'string' || userId.length === 0) throw new UnauthorizedError();
  const authTime = Number(auth.authTime);
  return {
    userId,
    sessionId: typeof auth.sessionId === 'string' && auth.sessionId.length > 0 ? auth.sessionId : undefined,
    authTime: Number.isInteger(authTime) && authTime > 0 ? authTime : undefined,
  };
}

/** How recently an export needs the login password (seconds). */
export const REAUTHENTICATION_MAX_AGE_SECONDS = 300;

/** Throws ReauthenticationRequiredError unless the caller gave the password in the last `maxAge` seconds. */
export function requireRecentPassword(
  ctx: OperationContext,
  nowMs: number,
  maxAge = REAUTHENTICATION_MAX_AGE_SECONDS,
): void {
  const { authTime } = callerOf(ctx);
  if (authTime === undefined || nowMs / 1000 - authTime > maxAge)
    throw new ReauthenticationRequiredError(maxAge);
}

/**
 * The router's own errors are client errors: a path parameter it refuses
 * (empty, say) names nothing that exists; any other 4xx keeps its status.
 */
function fromRouterError(error: Error): Error {
  if (error.name === 'ParameterValidationError') return new NotFoundError();
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof VaultError)) {
    return new VaultError('bad_request', status, 'Bad request', 'The request is not valid.');
  }
  return error;
}

/** The authenticated caller of a request, if the authorizer named one. */
function callerIdOf(event: unknown): { userId?: string } {
  const userId = (event as ApiEvent | undefined)?.requestContext?.authorizer?.userId;
  return typeof userId === 'string' && userId.length > 0 ? { userId } : {};
}

/** The item a request names: its path parameters (secret id, version), which are identifiers, never values. */
function itemKeyOf(params: Readonly<Record<string, string>> | undefined): {
  itemKey?: Record<string, string>;
} {
  const entries = Object.entries(params ?? {}).filter(([name]) => ITEM_KEY_PARAMS.has(name));
  return entries.length === 0 ? {} : { itemKey: Object.fromEntries(entries) };
}

const ITEM_KEY_PARAMS = new Set(['id', 'version']);

function requestIdField(requestId: string | undefined): { requestId?: string } {
  return requestId === undefined ? {} : { requestId };
}
