import type { KMSClient } from '@aws-sdk/client-kms';
import { accessTokenVerifier, buildJwks, type RouterLogger, type VaultConfig } from '@kmsvault/core';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';

export interface AuthorizerDependencies {
  readonly kms: KMSClient;
  readonly config: VaultConfig;
  readonly logger: RouterLogger;
}

export type TokenAuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
) => Promise<APIGatewayAuthorizerResult>;

/**
 * The API Gateway TOKEN authorizer: verifies `Bearer <JWT>` with jose against
 * the signing keys' public JWKs (GetPublicKey once per container, then no KMS
 * call), ES256 only, and hands `userId` and `sessionId` to the handler. Any
 * failure is API Gateway's `Unauthorized` (401).
 */
export function createAuthorizer(deps: AuthorizerDependencies): TokenAuthorizerHandler {
  const { signing, previousSigning } = deps.config.keys;
  let verifier: Promise<ReturnType<typeof accessTokenVerifier>> | undefined;
  const getVerifier = () => {
    verifier ??= buildJwks(deps.kms, [signing, ...previousSigning]).then(
      (jwks) =>
        accessTokenVerifier({
          jwks,
          issuer: deps.config.tokens.issuer,
          audience: deps.config.tokens.audience,
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
    // Allow the whole stage, so that API Gateway's cached policy serves the caller's other routes too.
    const [arnPrefix, stage] = event.methodArn.split('/');
    return {
      principalId: payload.sub as string,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
      },
      context: { userId: payload.sub as string, sessionId: String(payload.sid ?? '') },
    };
  };
}
