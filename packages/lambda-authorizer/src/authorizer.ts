import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import {
  accessTokenVerifier,
  buildJwks,
  documentClient,
  type RouterLogger,
  SessionRepository,
  sessionChecker,
  type VaultConfig,
} from '@kmsvault/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export interface AuthorizerDependencies {
  readonly kms: KMSClient;
  /** Reads session records (GetItem only). */
  readonly dynamodb: DynamoDBClient;
  readonly config: VaultConfig;
  readonly logger: RouterLogger;
}

export type TokenAuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;

/**
 * The API Gateway TOKEN authorizer: verifies `Bearer <JWT>` with jose against
 * the signing keys' public JWKs (GetPublicKey once per container, then no KMS
 * call), ES256 only, at most `accessTtlSeconds` old, then checks that the
 * token's session is still on (a GetItem, reused for at most
 * `sessionCheckCacheSeconds` and never past the token's exp), and hands
 * `userId` and `sessionId` to the handler. Any failure is API Gateway's
 * `Unauthorized` (401). API Gateway's own result cache is off (the construct
 * sets its TTL to 0): it would serve a policy past logout and past exp.
 */
export function createAuthorizer(deps: AuthorizerDependencies): TokenAuthorizerHandler {
  const { signing, previousSigning } = deps.config.keys;
  const sessionActive = sessionChecker({
    sessions: new SessionRepository(documentClient(deps.dynamodb), deps.config.tables.vault),
    cacheMs: deps.config.tokens.sessionCheckCacheSeconds * 1000,
  });
  let verifier: Promise<ReturnType<typeof accessTokenVerifier>> | undefined;
  const getVerifier = () => {
    verifier ??= buildJwks(deps.kms, [signing, ...previousSigning]).then(
      (jwks) =>
        accessTokenVerifier({
          jwks,
          issuer: deps.config.tokens.issuer,
          audience: deps.config.tokens.audience,
          maxTokenAgeSeconds: deps.config.tokens.accessTtlSeconds,
        }),
      (err: unknown) => {
        verifier = undefined;
        throw err;
      },
    );
    return verifier;
  };

  return async (event) => {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(
      event.authorizationToken ?? '',
    );
    if (match === null) throw new Error('Unauthorized');
    const verify = await getVerifier();
    let payload: Awaited<ReturnType<typeof verify>>;
    try {
      payload = await verify(match[1] as string);
    } catch (err) {
      deps.logger.info('token rejected', { reason: (err as { code?: string }).code ?? (err as Error).name });
      throw new Error('Unauthorized');
    }
    const sub = payload.sub as string;
    const sid = typeof payload.sid === 'string' ? payload.sid : '';
    if (!(await sessionActive(sub, sid, payload.exp as number))) {
      deps.logger.info('token rejected', { reason: 'session_ended', userId: sub });
      throw new Error('Unauthorized');
    }
    // Allow the whole stage, so that API Gateway's cached policy serves the caller's other routes too.
    const [arnPrefix, stage] = event.methodArn.split('/');
    return {
      principalId: payload.sub as string,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
      },
      context: {
        userId: payload.sub as string,
        sessionId: String(payload.sid ?? ''),
        // When the user last gave the password (OpenID Connect's auth_time): an export needs a recent one.
        authTime: typeof payload.auth_time === 'number' ? String(payload.auth_time) : '',
      },
    };
  };
}
