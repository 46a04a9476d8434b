import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from '../crypto/item-encryptor';
import type { TransactItem } from './secrets';

/** The sort key of a user's head item, beside `PROFILE` under `USER#<id>`. */
export const HEAD_SK = 'HEAD';

/** Raw access to the per-user head item; no crypto here, only DynamoDB. */
export class HeadRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(pk: string): Promise<Item | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk: HEAD_SK }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /**
   * Puts a sealed head if the stored one is still the one that was read: its
   * counter is `readCounter`, or there is none when `readCounter` is undefined.
   */
  public put(item: Item, readCounter: number | undefined): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: item,
        ...(readCounter === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#c = :c',
              ExpressionAttributeNames: { '#c': 'counter' },
              ExpressionAttributeValues: { ':c': readCounter },
            }),
      },
    };
  }
}
