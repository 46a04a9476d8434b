import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';

/** A known device: the SHA-256 of its token, never the token. */
export interface DeviceRecord {
  readonly userId: string;
  readonly tokenHash: string;
  readonly createdAt: string;
  /** Epoch seconds; DynamoDB TTL removes it after. */
  readonly expiresAt: number;
}

/** Known-device tokens: handed to a client after a successful login, presented at the next. */
export class DeviceRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async put(record: DeviceRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.user(record.userId), sk: keys.deviceSk(record.tokenHash), ...record },
      }),
    );
  }

  public async get(userId: string, tokenHash: string): Promise<DeviceRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.user(userId), sk: keys.deviceSk(tokenHash) },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as DeviceRecord;
  }
}
