import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  NotFoundException,
  PutKeyPolicyCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import type { KeyCreation, KeyProvider, KeyReference } from './providers';
import type { PolicyDocument } from './types';

/**
 * The KeyProvider over `@aws-sdk/client-kms`: the client is configured with
 * the deployer's credentials and the emulator's endpoint, so key creation
 * goes through the same authorization (and key-policy lockout check) as any
 * other caller.
 */
export class SdkKeyProvider implements KeyProvider {
  public constructor(private readonly kms: KMSClient) {}

  public async describeKey(keyId: string): Promise<KeyReference | undefined> {
    try {
      const { KeyMetadata: meta } = await this.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      if (meta?.KeyId === undefined || meta.Arn === undefined) return undefined;
      if (meta.KeyState === 'PendingDeletion' || meta.KeyState === 'PendingReplicaDeletion') return undefined;
      return { keyId: meta.KeyId, arn: meta.Arn };
    } catch (err) {
      if (err instanceof NotFoundException) return undefined;
      throw err;
    }
  }

  public async createKey(key: KeyCreation): Promise<KeyReference> {
    const { KeyMetadata: meta } = await this.kms.send(
      new CreateKeyCommand({
        KeySpec: key.keySpec as KeySpec,
        KeyUsage: key.keyUsage as KeyUsageType,
        ...(key.description !== undefined ? { Description: key.description } : {}),
        Policy: JSON.stringify(key.policy),
        BypassPolicyLockoutSafetyCheck: false,
      }),
    );
    if (meta?.KeyId === undefined || meta.Arn === undefined) {
      throw new Error(`CreateKey for ${key.logicalId} returned no key id`);
    }
    if (key.enableKeyRotation) await this.setKeyRotation(meta.KeyId, true);
    if (!key.enabled) await this.setKeyEnabled(meta.KeyId, false);
    return { keyId: meta.KeyId, arn: meta.Arn };
  }

  public async putKeyPolicy(keyId: string, policy: PolicyDocument): Promise<void> {
    await this.kms.send(
      new PutKeyPolicyCommand({
        KeyId: keyId,
        PolicyName: 'default',
        Policy: JSON.stringify(policy),
        BypassPolicyLockoutSafetyCheck: false,
      }),
    );
  }

  public async setKeyRotation(keyId: string, enabled: boolean): Promise<void> {
    await this.kms.send(
      enabled
        ? new EnableKeyRotationCommand({ KeyId: keyId })
        : new DisableKeyRotationCommand({ KeyId: keyId }),
    );
  }

  public async setKeyEnabled(keyId: string, enabled: boolean): Promise<void> {
    await this.kms.send(
      enabled ? new EnableKeyCommand({ KeyId: keyId }) : new DisableKeyCommand({ KeyId: keyId }),
    );
  }

  public async ensureAlias(aliasName: string, targetKeyId: string): Promise<void> {
    try {
      await this.kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: targetKeyId }));
    } catch (err) {
      if (!(err instanceof AlreadyExistsException)) throw err;
      await this.kms.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: targetKeyId }));
    }
  }
}
