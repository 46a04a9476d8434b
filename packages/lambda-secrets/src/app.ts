import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { buildRouter, type RouterLogger, type VaultConfig } from '@kmsvault/core';
import { healthHandler } from './handlers/health';

export interface SecretsDependencies {
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly config: VaultConfig;
  readonly logger: RouterLogger;
}

/** Lambda-shaped handler: `(event, context) => result`. */
export type ApiHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** The secrets function's router, built from the manifest with its dependencies injected. */
export function createSecretsHandler(deps: SecretsDependencies): ApiHandler {
  const app = buildRouter('secrets', { getHealth: healthHandler(deps) }, deps.logger);
  return (event, context) => app.resolve(event, context as Parameters<typeof app.resolve>[1]);
}
