import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Item } from '../crypto/item-encryptor';
import { queryPrefix } from './document-client';
import { VAULT_TABLE } from './tables';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * How a TransactWriteItems call ended: written, or cancelled with one reason
 * per action in order (`None`, `ConditionalCheckFailed`, `TransactionConflict`).
 */
export type TransactOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reasons: readonly string[] };

/** The cancellation reasons a caller can act on; any other cancellation is an error. */
const EXPECTED_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);

export const secretKeys = {
  current: (id: string) => `SECRET#${id}`,
  currentPrefix: 'SECRET#',
  version: (id: string, version: number) => `VERSION#${id}#${String(version).padStart(10, '0')}`,
  versionPrefix: (id: string) => `VERSION#${id}#`,
  anyVersionPrefix: 'VERSION#',
  trash: (id: string) => `TRASH#${id}`,
  trashPrefix: 'TRASH#',
} as const;

/** Raw access to encrypted secret items; no crypto here, only DynamoDB. */
/** An item's content id (import-ids.ts contentIdOf), on current and trash items. */
export const CONTENT_ID_ATTRIBUTE = 'contentId';

/** Every site beacon of an item (one per URI), space-separated and space-padded: ` b1 b2 `. */
export const SITE_BEACONS_ATTRIBUTE = 'beacons';

export class SecretRepository {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async get(pk: string, sk: string): Promise<Item | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Items of one user by sort key, in one BatchGetItem (consistent); undefined where there is none. */
  public async getMany(pk: string, sortKeys: readonly string[]): Promise<(Item | undefined)[]> {
    if (sortKeys.length === 0) return [];
    const found = new Map<string, Item>();
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [this.tableName]: { Keys: sortKeys.map((sk) => ({ pk, sk })), ConsistentRead: true },
    };
    while (request !== undefined && Object.keys(request).length > 0) {
      const out = await this.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[this.tableName] ?? []) found.set(item.sk as string, item);
      request = out.UnprocessedKeys as typeof request;
    }
    return sortKeys.map((sk) => found.get(sk));
  }

  /** Every item of the user under a sort-key prefix, all pages. */
  public query(pk: string, prefix: string, newestFirst = false): Promise<Item[]> {
    return queryPrefix(this.db, this.tableName, pk, prefix, { newestFirst });
  }

  /**
   * Items under `prefix` whose space-separated `beacons` attribute holds any
   * of `beacons`: one query of the user's partition (the site beacons of
   * every URI, which one GSI key cannot index), candidates to be decrypted
   * and filtered exactly.
   */
  public withAnyBeacon(pk: string, prefix: string, beacons: readonly string[]): Promise<Item[]> {
    if (beacons.length === 0) return Promise.resolve([]);
    const values = Object.fromEntries(beacons.map((b, i) => [`:b${i}`, ` ${b} `]));
    return queryPrefix(this.db, this.tableName, pk, prefix, {
      filter: {
        expression: beacons.map((_, i) => `contains(#bs, :b${i})`).join(' OR '),
        names: { '#bs': SITE_BEACONS_ATTRIBUTE },
        values,
      },
    });
  }

  /**
   * The content ids of the user's current and trash items, by content id:
   * the item's id and where it is (only those two attributes are read).
   */
  public async contentIds(pk: string): Promise<Map<string, { id: string; state: 'current' | 'trash' }>> {
    const out = new Map<string, { id: string; state: 'current' | 'trash' }>();
    for (const [prefix, state] of [
      [secretKeys.currentPrefix, 'current'],
      [secretKeys.trashPrefix, 'trash'],
    ] as const) {
      const items = await queryPrefix(this.db, this.tableName, pk, prefix, {
        projection: ['sk', CONTENT_ID_ATTRIBUTE],
      });
      for (const item of items) {
        const contentId = item[CONTENT_ID_ATTRIBUTE];
        if (typeof contentId === 'string')
          out.set(contentId, { id: String(item.sk).slice(prefix.length), state });
      }
    }
    return out;
  }

  /** Current items whose beacon matches: candidates, to be decrypted and filtered exactly. */
  public async byBeacon(pk: string, beacon: string): Promise<Item[]> {
    const keys: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: VAULT_TABLE.beaconIndex,
          KeyConditionExpression: 'pk = :pk AND #b = :beacon',
          ExpressionAttributeNames: { '#b': VAULT_TABLE.beaconAttribute },
          ExpressionAttributeValues: { ':pk': pk, ':beacon': beacon },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) keys.push({ pk: item.pk, sk: item.sk });
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined =
        {
          [this.tableName]: { Keys: keys.slice(i, i + 100), ConsistentRead: true },
        };
      while (request !== undefined && Object.keys(request).length > 0) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        items.push(...(out.Responses?.[this.tableName] ?? []));
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return items;
  }

  /**
   * Writes up to 100 items atomically. A cancellation by failed conditions or
   * by a concurrent transaction answers the reason of each action; anything
   * else throws.
   */
  public async transact(items: TransactItem[]): Promise<TransactOutcome> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true };
    } catch (err) {
      if ((err as Error).name === 'TransactionCanceledException') {
        const reasons = (
          (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
        ).map((r) => r.Code ?? 'None');
        if (reasons.length === items.length && reasons.every((r) => EXPECTED_REASONS.has(r))) {
          return { ok: false, reasons };
        }
      }
      throw err;
    }
  }

  /** Whether the user has any item under a sort-key prefix (one key read at most). */
  public async any(pk: string, prefix: string): Promise<boolean> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ProjectionExpression: 'pk',
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).length > 0;
  }

  public put(
    item: Item,
    condition?: string,
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: item,
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      },
    };
  }

  public delete(
    pk: string,
    sk: string,
    condition?: string,
    values?: Record<string, unknown>,
    names?: Record<string, string>,
  ): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: { pk, sk },
        ...(condition ? { ConditionExpression: condition } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
        ...(names ? { ExpressionAttributeNames: names } : {}),
      },
    };
  }

  public async deleteNow(pk: string, sk: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { pk, sk } }));
  }

  /** Sets or removes the TTL of an item (DO_NOTHING: not covered by the signature). */
  public async setExpiry(pk: string, sk: string, expiresAt: number | undefined): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        ...(expiresAt === undefined
          ? { UpdateExpression: 'REMOVE expiresAt' }
          : { UpdateExpression: 'SET expiresAt = :e', ExpressionAttributeValues: { ':e': expiresAt } }),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}
