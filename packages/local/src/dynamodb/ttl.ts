import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

/** A table whose items expire, and the attribute holding their expiry (epoch seconds). */
export interface TtlTable {
  readonly tableName: string;
  readonly ttlAttribute: string;
}

export interface TtlSweeperOptions {
  readonly client: DynamoDBClient;
  /** The tables to sweep. @default every table whose TTL is ENABLED (DescribeTimeToLive), found on each sweep */
  readonly tables?: readonly TtlTable[];
  /** @default 5_000 */
  readonly intervalMs?: number;
  /** The clock, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Called with an error a sweep ran into; the sweeper carries on. @default ignored */
  readonly onError?: (err: unknown) => void;
}

/** DynamoDB does not delete items whose expiry is more than five years in the past. */
const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 3600;

/**
 * Deletes expired items the way DynamoDB's TTL does, which DynamoDB Local
 * does not: an item whose TTL attribute is a Number of epoch seconds in the
 * past (and not more than five years past) is deleted; an item whose TTL
 * attribute is missing or not a Number stays. Each delete is conditional on
 * the expiry it saw, so an item whose TTL was extended meanwhile stays.
 * Written by hand: DynamoDB Local has no TTL deletion and no npm package adds it.
 */
export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  public constructor(private readonly options: TtlSweeperOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** Sweeps every `intervalMs` until stop(); the timer does not keep the process alive. */
  public start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.running === undefined) {
        this.sweep().catch((err: unknown) => this.options.onError?.(err));
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  public async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass over every table; resolves to the number of items deleted. */
  public sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepAll(): Promise<number> {
    let deleted = 0;
    for (const table of this.options.tables ?? (await this.discover())) {
      try {
        deleted += await this.sweepTable(table);
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) this.options.onError?.(err);
      }
    }
    return deleted;
  }

  private async discover(): Promise<TtlTable[]> {
    const tables: TtlTable[] = [];
    let start: string | undefined;
    do {
      const page = await this.options.client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const tableName of page.TableNames ?? []) {
        const { TimeToLiveDescription: ttl } = await this.options.client.send(
          new DescribeTimeToLiveCommand({ TableName: tableName }),
        );
        if (ttl?.TimeToLiveStatus === 'ENABLED' && ttl.AttributeName !== undefined) {
          tables.push({ tableName, ttlAttribute: ttl.AttributeName });
        }
      }
      start = page.LastEvaluatedTableName;
    } while (start !== undefined);
    return tables;
  }

  private async sweepTable(table: TtlTable): Promise<number> {
    const { client } = this.options;
    const { Table: description } = await client.send(
      new DescribeTableCommand({ TableName: table.tableName }),
    );
    const keys = (description?.KeySchema ?? []).map((k) => k.AttributeName as string);
    const nowSeconds = Math.floor(this.now() / 1000);
    const names: Record<string, string> = { '#ttl': table.ttlAttribute };
    keys.forEach((k, i) => {
      names[`#k${i}`] = k;
    });
    let deleted = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table.tableName,
          FilterExpression: '#ttl >= :oldest AND #ttl < :now',
          ProjectionExpression: ['#ttl', ...keys.map((_, i) => `#k${i}`)].join(', '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':oldest': { N: String(nowSeconds - FIVE_YEARS_SECONDS) },
            ':now': { N: String(nowSeconds) },
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (await this.deleteIfStillExpired(table, keys, item)) deleted++;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return deleted;
  }

  private async deleteIfStillExpired(
    table: TtlTable,
    keys: readonly string[],
    item: Record<string, AttributeValue>,
  ): Promise<boolean> {
    try {
      await this.options.client.send(
        new DeleteItemCommand({
          TableName: table.tableName,
          Key: Object.fromEntries(keys.map((k) => [k, item[k] as AttributeValue])),
          ConditionExpression: '#ttl = :seen',
          ExpressionAttributeNames: { '#ttl': table.ttlAttribute },
          ExpressionAttributeValues: { ':seen': item[table.ttlAttribute] as AttributeValue },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
