import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { VaultConfig } from '../config';
import { ServiceUnavailableError } from './errors';

export interface HealthDependencies {
  readonly kms: KMSClient;
  readonly dynamodb: DynamoDBClient;
  readonly config: VaultConfig;
  /** @default 3000 */
  readonly timeoutMs?: number;
}

export interface HealthReport {
  status: 'ok';
  dynamodb: 'ok';
  kms: 'ok';
}

/**
 * Asks DynamoDB for the vault table and KMS for the vault key, both at once,
 * each with a deadline. Throws ServiceUnavailableError naming what failed.
 */
export async function checkHealth(deps: HealthDependencies): Promise<HealthReport> {
  const timeoutMs = deps.timeoutMs ?? 3_000;
  const [dynamodb, kms] = await Promise.allSettled([
    deps.dynamodb.send(new DescribeTableCommand({ TableName: deps.config.tables.vault }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    }),
    deps.kms.send(new DescribeKeyCommand({ KeyId: deps.config.keys.vault }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    }),
  ]);
  const kmsOk = kms.status === 'fulfilled' && kms.value.KeyMetadata?.KeyState === 'Enabled';
  const ddbOk = dynamodb.status === 'fulfilled' && dynamodb.value.Table?.TableStatus === 'ACTIVE';
  if (kmsOk && ddbOk) return { status: 'ok', dynamodb: 'ok', kms: 'ok' };
  const failing = [ddbOk ? undefined : 'dynamodb', kmsOk ? undefined : 'kms'].filter(Boolean).join(' and ');
  throw new ServiceUnavailableError(`${failing} did not answer`, 5, {
    dynamodb: ddbOk ? 'ok' : 'unavailable',
    kms: kmsOk ? 'ok' : 'unavailable',
  });
}
