import { type aws_kms as kms, aws_logs as logs, type RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** What every log group of the Vault shares: retention, removal policy and the logs key. */
export interface LogGroupSettings {
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The logs key (keys.ts `logsKey`), whose policy lets CloudWatch Logs use it for the account's log groups. */
  readonly encryptionKey: kms.IKey;
}

/**
 * A log group of the Vault, encrypted at rest under the logs key. The
 * group's `KmsKeyId` is the key's ARN, so CloudFormation creates the key,
 * with its policy, first: CloudWatch Logs checks the key policy when the
 * group takes the key.
 */
export function vaultLogGroup(
  scope: Construct,
  id: string,
  settings: LogGroupSettings,
  logGroupName?: string,
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    retention: settings.retention,
    removalPolicy: settings.removalPolicy,
    encryptionKey: settings.encryptionKey,
    ...(logGroupName !== undefined ? { logGroupName } : {}),
  });
}
