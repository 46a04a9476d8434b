import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { takeOver } from '../crypto/key-cache';
import { needs } from '../crypto/needs';
import { keys } from './keys';

/** The encryption context of a service key: distinct from every user key's (`purpose: user-key`). */
export const SERVICE_KEY_PURPOSE = 'service-key';

export interface ServiceKeysOptions {
  readonly kms: KMSClient;
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The vault key: service keys are data keys under it. */
  readonly vaultKeyId: string;
}

/**
 * Named 256-bit secrets every container of the app shares (the key that
 * turns usernames and client addresses into opaque throttle keys, say):
 * generated once under the vault key with the encryption context
 * `{purpose: "service-key", name}`, stored wrapped in the table, unwrapped
 * once per container (one KMS Decrypt) and kept for the container's life.
 * Someone who reads the table sees only the wrapped blob.
 */
export class ServiceKeys {
  private readonly loaded = new Map<string, Promise<Buffer>>();

  public constructor(private readonly options: ServiceKeysOptions) {}

  public get(name: string): Promise<Buffer> {
    let key = this.loaded.get(name);
    if (key === undefined) {
      key = this.load(name).catch((err: unknown) => {
        this.loaded.delete(name);
        throw err;
      });
      this.loaded.set(name, key);
    }
    return key;
  }

  private async load(name: string): Promise<Buffer> {
    const { db, tableName, kms, vaultKeyId } = this.options;
    const context = { purpose: SERVICE_KEY_PURPOSE, name };
    const stored = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.serviceKey(name), ConsistentRead: true }),
    );
    let wrapped = stored.Item?.wrapped as Uint8Array | undefined;
    if (wrapped === undefined) {
      const out = await kms.send(
        new GenerateDataKeyCommand({ KeyId: vaultKeyId, KeySpec: 'AES_256', EncryptionContext: context }),
      );
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.serviceKey(name),
              wrapped: out.CiphertextBlob,
              createdAt: new Date().toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return takeOverServiceKey(out.Plaintext);
      } catch (err) {
        out.Plaintext?.fill(0);
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        // Another container stored one first: use theirs.
        const winner = await db.send(
          new GetCommand({ TableName: tableName, Key: keys.serviceKey(name), ConsistentRead: true }),
        );
        wrapped = winner.Item?.wrapped as Uint8Array | undefined;
        needs(wrapped !== undefined, `the service key ${name} vanished while it was being created`);
      }
    }
    const out = await kms.send(
      new DecryptCommand({ CiphertextBlob: wrapped, KeyId: vaultKeyId, EncryptionContext: context }),
    );
    return takeOverServiceKey(out.Plaintext);
  }
}

function takeOverServiceKey(plaintext: Uint8Array | undefined): Buffer {
  needs(plaintext?.length === 32, 'KMS returned no 256-bit service key');
  return takeOver(plaintext);
}
