import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { WrappedUserKey } from '../crypto/keyring';
import type { PasswordRecord } from '../crypto/passwords';
import { ConflictError } from '../domain/errors';
import { keys } from './keys';

export interface UserProfile {
  readonly userId: string;
  /** As typed at signup (trimmed, NFKC); lookups use the case-folded key. */
  readonly username: string;
  readonly password: PasswordRecord;
  readonly userKeys: readonly WrappedUserKey[];
  readonly createdAt: string;
  readonly passwordChangedAt: string;
  /** Set when the account's deletion began: login refuses it from then on. */
  readonly deletedAt?: string;
}

/**
 * Profiles and the username index. The profile holds only KMS-protected
 * material (wrapped user keys, the protected password hash): reading it must
 * not need the user key, or login would cost a third KMS call.
 */
export class UserRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Creates the profile and claims the username in one transaction; a taken username is a ConflictError. */
  public async create(profile: UserProfile, usernameKey: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: keys.username(usernameKey), sk: keys.usernameSk, userId: profile.userId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: keys.user(profile.userId), sk: keys.profileSk, ...profile },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (
        err instanceof TransactionCanceledException &&
        err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')
      ) {
        throw new ConflictError('username_taken', 'This username is taken.');
      }
      throw err;
    }
  }

  public async userIdFor(usernameKey: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.username(usernameKey), sk: keys.usernameSk },
      }),
    );
    return out.Item?.userId as string | undefined;
  }

  public async get(userId: string): Promise<UserProfile | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.user(userId), sk: keys.profileSk },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...profile } = out.Item;
    return profile as UserProfile;
  }

  /** Replaces the password record, only if it is still the one the caller read. */
  public async replacePassword(
    userId: string,
    expected: PasswordRecord,
    next: PasswordRecord,
    at: string,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.user(userId), sk: keys.profileSk },
          UpdateExpression: 'SET #p = :next, passwordChangedAt = :at',
          ConditionExpression: '#p.#v = :expected',
          ExpressionAttributeNames: { '#p': 'password', '#v': 'value' },
          ExpressionAttributeValues: { ':next': next, ':expected': expected.value, ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /**
   * Marks the account deleted (keeping the first mark on a repeat); false
   * when there is no profile any more.
   */
  public async markDeleted(userId: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keys.user(userId), sk: keys.profileSk },
          UpdateExpression: 'SET deletedAt = if_not_exists(deletedAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  /**
   * Deletes the profile (and with it the wrapped user keys), the username
   * claim and `alsoDelete` (sort keys of the user's partition) in one
   * transaction: the username is free exactly when the profile is gone.
   */
  public async remove(userId: string, usernameKey: string, alsoDelete: readonly string[]): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: { pk: keys.username(usernameKey), sk: keys.usernameSk },
              // Never frees a name another account holds.
              ConditionExpression: 'attribute_not_exists(pk) OR userId = :userId',
              ExpressionAttributeValues: { ':userId': userId },
            },
          },
          { Delete: { TableName: this.tableName, Key: { pk: keys.user(userId), sk: keys.profileSk } } },
          ...alsoDelete.map((sk) => ({
            Delete: { TableName: this.tableName, Key: { pk: keys.user(userId), sk } },
          })),
        ],
      }),
    );
  }
}
