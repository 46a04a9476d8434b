import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SDK_CLIENT_SETTINGS } from '@kmsvault/core';

/**
 * Credentials the local endpoints accept; no real AWS credential is ever read.
 * DynamoDB Local 3 rejects access key ids with anything but letters and digits.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'kmsvaultlocal', secretAccessKey: 'kmsvaultlocal' } as const;
export const LOCAL_REGION = 'us-east-1';

/**
 * The functions' bounded SDK settings, with a longer request timeout: the
 * emulator generates RSA-4096 keys on request and DynamoDB Local's JVM can be
 * slow on its first calls.
 */
const LOCAL_SETTINGS = {
  ...SDK_CLIENT_SETTINGS,
  requestHandler: { ...SDK_CLIENT_SETTINGS.requestHandler, requestTimeout: 10_000 },
};

export interface LocalClientOptions {
  /** @default the SDK's default (3) */
  readonly maxAttempts?: number;
  /** Who the client acts as (a principal's credentials from local.json). @default LOCAL_CREDENTIALS */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default LOCAL_REGION */
  readonly region?: string;
}

export function localKmsClient(endpoint: string, options: LocalClientOptions = {}): KMSClient {
  return new KMSClient({
    ...LOCAL_SETTINGS,
    endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: { ...(options.credentials ?? LOCAL_CREDENTIALS) },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
}

export function localDynamoDbClient(endpoint: string, options: LocalClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...LOCAL_SETTINGS,
    endpoint,
    region: options.region ?? LOCAL_REGION,
    credentials: { ...(options.credentials ?? LOCAL_CREDENTIALS) },
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  });
}
