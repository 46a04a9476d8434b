import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryPrefix } from './document-client';
import { keys } from './keys';

/** A refresh token as stored: its SHA-256, never the token. */
export interface RefreshRecord {
  readonly userId: string;
  readonly tokenHash: string;
  /** The session: every rotation of one login shares it. */
  readonly familyId: string;
  readonly status: 'active' | 'rotated' | 'revoked';
  readonly createdAt: string;
  /** Epoch seconds; DynamoDB TTL removes it after. */
  readonly expiresAt: number;
}

export class SessionRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async put(record: RefreshRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.user(record.userId), sk: keys.refreshSk(record.tokenHash), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  public async get(userId: string, tokenHash: string): Promise<RefreshRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.user(userId), sk: keys.refreshSk(tokenHash) },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as RefreshRecord;
  }

  /**
   * Marks `current` rotated and stores `next`, in one transaction that fails
   * (returns false) when `current` is no longer active: two refreshes racing
   * with one token cannot both win.
   */
  public async rotate(current: RefreshRecord, next: RefreshRecord): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: keys.user(current.userId), sk: keys.refreshSk(current.tokenHash) },
                UpdateExpression: 'SET #s = :rotated',
                ConditionExpression: '#s = :active',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':rotated': 'rotated', ':active': 'active' },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: keys.user(next.userId), sk: keys.refreshSk(next.tokenHash), ...next },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'TransactionCanceledException') return false;
      throw err;
    }
  }

  /** Revokes every refresh token of the user in the families `which` selects. */
  public async revoke(userId: string, which: (familyId: string) => boolean): Promise<number> {
    let revoked = 0;
    const items = await queryPrefix(this.db, this.tableName, keys.user(userId), keys.refreshPrefix);
    for (const item of items) {
      if (item.status === 'revoked' || !which(item.familyId as string)) continue;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #s = :revoked',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked' },
        }),
      );
      revoked += 1;
    }
    return revoked;
  }
}
