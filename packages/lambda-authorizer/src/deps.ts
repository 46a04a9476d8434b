import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { configFromEnv, SDK_CLIENT_SETTINGS } from '@kmsvault/core';
import type { AuthorizerDependencies } from './authorizer';

/** Created once per container, at module scope, from the function's environment. */
export const deps: AuthorizerDependencies = {
  kms: new KMSClient({ ...SDK_CLIENT_SETTINGS }),
  dynamodb: new DynamoDBClient({ ...SDK_CLIENT_SETTINGS }),
  config: configFromEnv(process.env),
  logger: new Logger({ serviceName: 'kmsvault-authorizer' }),
};
