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
  /** Epoch ms the token was rotated (status rotated). */
  readonly rotatedAt?: number;
  /** The one grace re-issue of a just-rotated token was used. */
  readonly graceUsed?: boolean;
  /** Epoch seconds the user last gave the password in this session (login): access tokens carry it as `auth_time`. */
  readonly authTime?: number;
}

/**
 * A session: one login and every refresh token rotated from it. The
 * authorizer checks it on every request, so ending it ends its access tokens.
 */
export interface SessionRecord {
  readonly userId: string;
  readonly familyId: string;
  readonly status: 'active' | 'revoked';
  /** When the login happened: the absolute lifetime counts from here. */
  readonly createdAt: string;
  /** Epoch seconds: the session's absolute end (DynamoDB TTL removes it after). */
  readonly expiresAt: number;
  /** Why it ended (logout, password_changed, refresh_reuse). */
  readonly endedBy?: string;
}

export class SessionRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Starts a session with its first refresh token, in one transaction. */
  public async start(session: SessionRecord, first: RefreshRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: keys.user(session.userId), sk: keys.sessionSk(session.familyId), ...session },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: keys.user(first.userId), sk: keys.refreshSk(first.tokenHash), ...first },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  public async session(userId: string, familyId: string): Promise<SessionRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keys.user(userId), sk: keys.sessionSk(familyId) },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...record } = out.Item;
    return record as SessionRecord;
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
   * (returns false) when `current` is no longer active or its session has
   * ended: two refreshes racing with one token cannot both win.
   */
  public async rotate(current: RefreshRecord, next: RefreshRecord, nowMs: number): Promise<boolean> {
    return this.transact([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: keys.user(current.userId), sk: keys.refreshSk(current.tokenHash) },
          UpdateExpression: 'SET #s = :rotated, rotatedAt = :now',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':rotated': 'rotated', ':active': 'active', ':now': nowMs },
        },
      },
      this.activeSession(current),
      this.putRefresh(next),
    ]);
  }

  /**
   * The grace re-issue: a token rotated less than `graceMs` ago, presented
   * again (a client's parallel refresh), gets one sibling token, once.
   */
  public async regrace(
    current: RefreshRecord,
    next: RefreshRecord,
    nowMs: number,
    graceMs: number,
  ): Promise<boolean> {
    return this.transact([
      {
        Update: {
          TableName: this.tableName,
          Key: { pk: keys.user(current.userId), sk: keys.refreshSk(current.tokenHash) },
          UpdateExpression: 'SET graceUsed = :true',
          ConditionExpression: '#s = :rotated AND rotatedAt > :since AND attribute_not_exists(graceUsed)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':rotated': 'rotated', ':since': nowMs - graceMs, ':true': true },
        },
      },
      this.activeSession(current),
      this.putRefresh(next),
    ]);
  }

  /**
   * Ends the sessions `which` selects and revokes their refresh tokens. The
   * session records are written first: the authorizer refuses their access
   * tokens from then on.
   */
  public async revoke(
    userId: string,
    which: (familyId: string) => boolean,
    endedBy: string,
  ): Promise<number> {
    let ended = 0;
    const sessions = await queryPrefix(this.db, this.tableName, keys.user(userId), keys.sessionPrefix);
    for (const item of sessions) {
      if (item.status === 'revoked' || !which(item.familyId as string)) continue;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET #s = :revoked, endedBy = :by',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':by': endedBy },
        }),
      );
      ended += 1;
    }
    const tokens = await queryPrefix(this.db, this.tableName, keys.user(userId), keys.refreshPrefix);
    for (const item of tokens) {
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
    }
    return ended;
  }

  /** Stores a refresh token on its own (tests and tools; login uses start). */
  public async put(record: RefreshRecord): Promise<void> {
    await this.db.send(new PutCommand(this.putRefresh(record).Put));
  }

  private activeSession(token: RefreshRecord) {
    return {
      ConditionCheck: {
        TableName: this.tableName,
        Key: { pk: keys.user(token.userId), sk: keys.sessionSk(token.familyId) },
        ConditionExpression: '#s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    };
  }

  private putRefresh(record: RefreshRecord) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { pk: keys.user(record.userId), sk: keys.refreshSk(record.tokenHash), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private async transact(
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
  ): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      if ((err as Error).name === 'TransactionCanceledException') return false;
      throw err;
    }
  }
}
