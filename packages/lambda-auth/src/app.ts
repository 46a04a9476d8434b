import {
  AccountDeletion,
  type ApiHandler,
  AuthService,
  buildRouter,
  callerOf,
  changePasswordSchema,
  credentialsSchema,
  DeviceRepository,
  deleteAccountSchema,
  documentClient,
  emptyResult,
  type FunctionDependencies,
  jsonResult,
  KeyCache,
  KmsJwsSigner,
  LoginThrottleRepository,
  loginRequestSchema,
  type OperationContext,
  PartitionEraser,
  PasswordHasher,
  parseJsonBody,
  reauthenticateSchema,
  refreshRequestSchema,
  ServiceKeys,
  SessionRepository,
  UserKeyring,
  UserRepository,
} from '@kmsvault/core';

/** The auth function's dependencies: the same as every API function's. */
export type AuthFunctionDependencies = FunctionDependencies;

function clientOf(ctx: OperationContext): string {
  return ctx.event.requestContext.identity?.sourceIp ?? 'unknown';
}

/**
 * Time an account deletion keeps in hand when it stops starting batches: a
 * batch in flight, the last transaction and the answer fit in it before the
 * function's timeout.
 */
const DELETION_RESERVE_MS = 3_000;

/** Whether the invocation is close to its timeout (never, without a Lambda context that knows). */
function nearTimeout(ctx: OperationContext): () => boolean {
  const remaining = (ctx.lambdaContext as { getRemainingTimeInMillis?: () => number } | undefined)
    ?.getRemainingTimeInMillis;
  return () => remaining !== undefined && remaining() < DELETION_RESERVE_MS;
}

/** Builds the account use cases once per container, then the auth function's router. */
export function createAuthService(deps: AuthFunctionDependencies): AuthService {
  const db = documentClient(deps.dynamodb);
  const table = deps.config.tables.vault;
  const users = new UserRepository(db, table);
  return new AuthService({
    kms: deps.kms,
    users,
    sessions: new SessionRepository(db, table),
    throttle: new LoginThrottleRepository(db, table),
    devices: new DeviceRepository(db, table),
    serviceKeys: new ServiceKeys({ kms: deps.kms, db, tableName: table, vaultKeyId: deps.config.keys.vault }),
    securityEvent: (event, fields) => deps.logger.warn('security event', { securityEvent: event, ...fields }),
    keyring: new UserKeyring({
      kms: deps.kms,
      vaultKeyId: deps.config.keys.vault,
      cache: new KeyCache({
        maxAgeMs: deps.config.keyCacheMaxAgeMs,
        maxEntries: deps.config.keyCacheMaxEntries,
      }),
    }),
    hasher: new PasswordHasher({
      kms: deps.kms,
      strategy: deps.config.passwordStrategy,
      keyId: deps.config.keys.password,
      params: deps.config.scrypt,
    }),
    signer: new KmsJwsSigner({ kms: deps.kms, keyId: deps.config.keys.signing }),
    accountDeletion: new AccountDeletion({
      users,
      eraser: new PartitionEraser(db, table),
      now: deps.now ?? Date.now,
      sweepFailed: (userId, error) =>
        deps.logger.error('account deleted, its last sweep failed', {
          userId,
          error: (error as Error).name,
        }),
    }),
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
        const body = parseJsonBody(ctx.event, loginRequestSchema);
        return jsonResult(
          200,
          await service.login(body.username, body.password, clientOf(ctx), body.deviceToken),
        );
      },
      refresh: async (ctx) => {
        const body = parseJsonBody(ctx.event, refreshRequestSchema);
        return jsonResult(200, await service.refresh(body.refreshToken));
      },
      logout: async (ctx) => {
        const body = parseJsonBody(ctx.event, refreshRequestSchema);
        await service.logout(body.refreshToken);
        return emptyResult(204);
      },
      changePassword: async (ctx) => {
        const { userId, sessionId } = callerOf(ctx);
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
      reauthenticate: async (ctx) => {
        const { userId, sessionId } = callerOf(ctx);
        const body = parseJsonBody(ctx.event, reauthenticateSchema);
        const token = await service.reauthenticate(userId, sessionId, body.password, clientOf(ctx));
        logger.info('reauthenticated', { userId });
        return jsonResult(200, token, { 'cache-control': 'no-store' });
      },
      deleteAccount: async (ctx) => {
        const { userId, sessionId } = callerOf(ctx);
        const body = parseJsonBody(ctx.event, deleteAccountSchema);
        const deleted = await service.deleteAccount(
          userId,
          sessionId,
          body.password,
          clientOf(ctx),
          nearTimeout(ctx),
        );
        logger.info('account deleted', { userId, items: deleted.items });
        return emptyResult(204);
      },
      getJwks: async () =>
        jsonResult(200, await service.jwksDocument(), { 'cache-control': 'public, max-age=300' }),
    },
    logger,
  );
  return (event, context) => app.resolve(event, context as Parameters<typeof app.resolve>[1]);
}
