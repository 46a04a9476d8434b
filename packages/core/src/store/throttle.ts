import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys';

export interface LoginThrottle {
  readonly failures: number;
  /** Epoch ms before which this bucket answers 429. */
  readonly lockedUntil: number;
}

export type Reservation =
  | { readonly ok: true; readonly failures: number; readonly holding: boolean }
  | { readonly ok: false; readonly lockedUntil: number };

/**
 * Login failure buckets. A bucket id is an opaque HMAC (see LoginLimiter);
 * the item holds counts and times only. Every attempt is reserved before the
 * password is checked, with conditional UpdateItems, so a burst of parallel
 * guesses cannot all be evaluated.
 */
export class LoginThrottleRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Counts one attempt, atomically, so that N parallel attempts see the
   * counts 1..N: within the free budget while the bucket is not locked; past
   * it, only by taking over an expired lock, which is then held until
   * `holdUntil` (one attempt at a time past the budget, each after its wait).
   * Returns the new count, or the lock that refused it.
   */
  public async reserve(
    bucket: string,
    free: number,
    nowMs: number,
    holdUntil: number,
    expiresAt: number,
  ): Promise<Reservation> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(bucket),
          UpdateExpression: 'SET failures = if_not_exists(failures, :zero) + :one, expiresAt = :exp',
          ConditionExpression:
            '(attribute_not_exists(failures) OR failures < :free) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':exp': expiresAt,
            ':now': nowMs,
            ':free': free,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, failures: (out.Attributes?.failures as number) ?? 1, holding: false };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(bucket),
          UpdateExpression: 'SET failures = failures + :one, lockedUntil = :hold, expiresAt = :exp',
          ConditionExpression: 'attribute_exists(lockedUntil) AND lockedUntil <= :now AND failures >= :free',
          ExpressionAttributeValues: {
            ':one': 1,
            ':hold': holdUntil,
            ':exp': expiresAt,
            ':now': nowMs,
            ':free': free,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, failures: out.Attributes?.failures as number, holding: true };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      return { ok: false, lockedUntil: (await this.get(bucket)).lockedUntil };
    }
  }

  /** Locks the bucket until `lockedUntil` (replacing a hold). */
  public async lock(bucket: string, lockedUntil: number, expiresAt: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(bucket),
        UpdateExpression: 'SET lockedUntil = :l, expiresAt = :exp',
        ExpressionAttributeValues: { ':l': lockedUntil, ':exp': expiresAt },
      }),
    );
  }

  /** Takes back one reserved attempt (a success on a shared bucket), and the hold it took, if any. */
  public async release(bucket: string, holding: boolean): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(bucket),
          UpdateExpression: `SET failures = failures - :one${holding ? ' REMOVE lockedUntil' : ''}`,
          ConditionExpression: 'failures > :zero',
          ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  public async get(bucket: string): Promise<LoginThrottle> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(bucket), ConsistentRead: true }),
    );
    return {
      failures: (out.Item?.failures as number) ?? 0,
      lockedUntil: (out.Item?.lockedUntil as number) ?? 0,
    };
  }

  public async clear(bucket: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(bucket) }));
  }

  private key(bucket: string) {
    return { pk: keys.loginThrottle(bucket), sk: keys.loginThrottleSk };
  }
}
