import type { PolicyDocument, TableResource } from './types';

/** A KMS key as the provisioner knows it. */
export interface KeyReference {
  readonly keyId: string;
  readonly arn: string;
}

/** What CreateKey needs for an AWS::KMS::Key of the template. */
export interface KeyCreation {
  readonly logicalId: string;
  readonly keySpec: string;
  readonly keyUsage: string;
  readonly description?: string;
  readonly policy: PolicyDocument;
  readonly enableKeyRotation: boolean;
  readonly enabled: boolean;
}

/**
 * Where the template's keys are made: the KMS emulator, called as the
 * deployer (CloudFormation's execution role). Key ids are the emulator's;
 * the provisioner keeps logical id → key id in its state file.
 */
export interface KeyProvider {
  /** The key when it exists and is not pending deletion; undefined otherwise. */
  describeKey(keyId: string): Promise<KeyReference | undefined>;
  /** CreateKey with the policy (lockout safety check on), then rotation and enabled state as asked. */
  createKey(key: KeyCreation): Promise<KeyReference>;
  putKeyPolicy(keyId: string, policy: PolicyDocument): Promise<void>;
  setKeyRotation(keyId: string, enabled: boolean): Promise<void>;
  setKeyEnabled(keyId: string, enabled: boolean): Promise<void>;
  /** CreateAlias, or UpdateAlias when the alias exists. */
  ensureAlias(aliasName: string, targetKeyId: string): Promise<void>;
}

/** Where the template's tables are made: DynamoDB Local. */
export interface TableProvider {
  /** CreateTable when missing (waiting until ACTIVE), then UpdateTimeToLive when the TTL attribute is not on. */
  ensureTable(table: TableResource): Promise<{ readonly created: boolean }>;
}
