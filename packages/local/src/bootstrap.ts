import { CreateTableCommand, type DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import { createTableInput, type KeyRole, type TableNames, type TableRole } from '@kmsvault/core';

export const LOCAL_TABLES: TableNames = { vault: 'kmsvault-vault', idempotency: 'kmsvault-idempotency' };

/** The keys the local stack keeps, by role; `passwordHmac` serves the hmac password strategy. */
export type LocalKeyRole = KeyRole | 'passwordHmac';

const LOCAL_KEYS: Record<
  LocalKeyRole,
  { alias: string; spec: KeySpec; usage: KeyUsageType; description: string }
> = {
  vault: {
    alias: 'alias/kmsvault/vault',
    spec: 'SYMMETRIC_DEFAULT',
    usage: 'ENCRYPT_DECRYPT',
    description: 'kmsvault vault key: wraps per-user keys',
  },
  password: {
    alias: 'alias/kmsvault/password',
    spec: 'RSA_3072',
    usage: 'ENCRYPT_DECRYPT',
    description: 'kmsvault password key: protects login password hashes',
  },
  passwordHmac: {
    alias: 'alias/kmsvault/password-hmac',
    spec: 'HMAC_256',
    usage: 'GENERATE_VERIFY_MAC',
    description: 'kmsvault password key for the hmac strategy',
  },
  signing: {
    alias: 'alias/kmsvault/signing',
    spec: 'ECC_NIST_P256',
    usage: 'SIGN_VERIFY',
    description: 'kmsvault signing key: signs access tokens',
  },
};

/** Creates the tables that do not exist yet; safe to run on every start. */
export async function ensureTables(
  dynamodb: DynamoDBClient,
  names: TableNames = LOCAL_TABLES,
): Promise<TableNames> {
  for (const role of Object.keys(names) as TableRole[]) {
    try {
      await dynamodb.send(new CreateTableCommand(createTableInput(role, names[role])));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  return names;
}

/** Finds the keys by alias, creating the missing ones; safe to run on every start. */
export async function ensureKeys(kms: KMSClient): Promise<Record<LocalKeyRole, string>> {
  const { Aliases = [] } = await kms.send(new ListAliasesCommand({ Limit: 1000 }));
  const ids: Partial<Record<LocalKeyRole, string>> = {};
  for (const [role, spec] of Object.entries(LOCAL_KEYS) as [
    LocalKeyRole,
    (typeof LOCAL_KEYS)[LocalKeyRole],
  ][]) {
    const existing = Aliases.find((a) => a.AliasName === spec.alias)?.TargetKeyId;
    if (existing !== undefined) {
      ids[role] = existing;
      continue;
    }
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec: spec.spec, KeyUsage: spec.usage, Description: spec.description }),
    );
    const keyId = KeyMetadata?.KeyId as string;
    await kms.send(new CreateAliasCommand({ AliasName: spec.alias, TargetKeyId: keyId }));
    ids[role] = keyId;
  }
  return ids as Record<LocalKeyRole, string>;
}
