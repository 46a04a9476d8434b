import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';

export interface LoginThrottle {
  readonly failures: number;
  /** Epoch ms before which this username and client get 429. */
  readonly lockedUntil: number;
}

/**
 * Failed logins per (username, client address). Keyed by the client too, so
 * an attacker's failures slow the attacker, never lock out the owner.
 */
export class LoginThrottleRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(usernameKey: string, client: string): Promise<LoginThrottle> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.loginThrottle(usernameKey, client), sk: keys.loginThrottleSk },
        ConsistentRead: true,
      }),
    );
    return {
      failures: (out.Item?.failures as number) ?? 0,
      lockedUntil: (out.Item?.lockedUntil as number) ?? 0,
    };
  }

  public async put(
    usernameKey: string,
    client: string,
    state: LoginThrottle,
    expiresAt: number,
  ): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.loginThrottle(usernameKey, client), sk: keys.loginThrottleSk, ...state, expiresAt },
      }),
    );
  }

  public async clear(usernameKey: string, client: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: keys.loginThrottle(usernameKey, client), sk: keys.loginThrottleSk },
      }),
    );
  }
}
