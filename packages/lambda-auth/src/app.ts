import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  AuthService,
  buildRouter,
  changePasswordSchema,
  credentialsSchema,
  documentClient,
  emptyResult,
  jsonResult,
  KeyCache,
  KmsJwsSigner,
  LoginThrottleRepository,
  type OperationContext,
  PasswordHasher,
  parseJsonBody,
  type RouterLogger,
  refreshRequestSchema,
  SessionRepository,
  UnauthorizedError,
  UserKeyring,
  UserRepository,
  type VaultConfig,
} from '@kmsvault/core';

export interface AuthFunctionDependencies {
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly config: VaultConfig;
  readonly logger: RouterLogger;
  /** @default Date.now */
  readonly now?: () => number;
}

export type ApiHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** The caller's user and session, as the authorizer handed them over. */
function caller(ctx: OperationContext): { userId: string; sessionId: string | undefined } {
  const auth = ctx.event.requestContext.authorizer ?? {};
  const userId = auth.userId;
  if (typeof userId !== 'string' || userId.length === 0) throw new UnauthorizedError();
  return { userId, sessionId: typeof auth.sessionId === 'string' ? auth.sessionId : undefined };
}

function clientOf(ctx: OperationContext): string {
  return ctx.event.requestContext.identity?.sourceIp ?? 'unknown';
}

/** Builds the account use cases once per container, then the auth function's router. */
export function createAuthService(deps: AuthFunctionDependencies): AuthService {
  const db = documentClient(deps.dynamodb);
  const table = deps.config.tables.vault;
  return new AuthService({
    kms: deps.kms,
    users: new UserRepository(db, table),
    sessions: new SessionRepository(db, table),
    throttle: new LoginThrottleRepository(db, table),
    keyring: new UserKeyring({
      kms: deps.kms,
      vaultKeyId: deps.config.keys.vault,
      cache: new KeyCache({ maxAgeMs: deps.config.keyCacheMaxAgeMs }),
    }),
    hasher: new PasswordHasher({
      kms: deps.kms,
      strategy: deps.config.passwordStrategy,
      keyId: deps.config.keys.password,
      params: deps.config.scrypt,
    }),
    signer: new KmsJwsSigner({ kms: deps.kms, keyId: deps.config.keys.signing }),
    config: deps.config,
    ...(deps.now ? { now: deps.now } : {}),
  });
}

export function createAuthHandler(deps: AuthFunctionDependencies): ApiHandler {
  const service = createAuthService(deps);
  const { logger } = deps;
  const app = buildRouter(
    'auth',
    {
      signup: async (ctx) => {
        const body = parseJsonBody(ctx.event, credentialsSchema);
        const result = await service.signup(body.username, body.password);
        logger.info('account created', { userId: result.userId });
        return jsonResult(201, result);
      },
      login: async (ctx) => {
        const body = parseJsonBody(ctx.event, credentialsSchema);
        return jsonResult(200, await service.login(body.username, body.password, clientOf(ctx)));
      },
      refresh: async (ctx) => {
        const body = parseJsonBody(ctx.event, refreshRequestSchema);
        return jsonResult(200, await service.refresh(body.refreshToken));
      },
      logout: async (ctx) => {
        const { userId } = caller(ctx);
        const body = parseJsonBody(ctx.event, refreshRequestSchema);
        await service.logout(userId, body.refreshToken);
        return emptyResult(204);
      },
      changePassword: async (ctx) => {
        const { userId, sessionId } = caller(ctx);
        const body = parseJsonBody(ctx.event, changePasswordSchema);
        await service.changePassword(
          userId,
          sessionId,
          body.currentPassword,
          body.newPassword,
          clientOf(ctx),
        );
        logger.info('password changed', { userId });
        return emptyResult(204);
      },
      getJwks: async () =>
        jsonResult(200, await service.jwksDocument(), { 'cache-control': 'public, max-age=300' }),
    },
    logger,
  );
  return (event, context) => app.resolve(event, context as Parameters<typeof app.resolve>[1]);
}
