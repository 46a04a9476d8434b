import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceUnavailableError } from '../domain/errors';
import { VAULT_TABLE } from './tables';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
/** Batches in flight at once: one user's items share one partition, whose writes DynamoDB caps. */
const PARALLEL_BATCHES = 4;
/** Calls per batch before its unprocessed items are a 503 (DynamoDB throttled the partition throughout). */
const BATCH_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 1_000;

type Key = { pk: string; sk: string };
type DeleteRequest = { DeleteRequest: { Key: Record<string, unknown> } };

export interface EraseOptions {
  /** Only items whose sort key begins with this. @default every item of the partition */
  readonly prefix?: string;
  /** Items to leave in place; it sees the keys and `attributes`. @default none */
  readonly keep?: (item: Record<string, unknown>) => boolean;
  /** Attributes besides the keys that `keep` reads. */
  readonly attributes?: readonly string[];
  /** Checked before each query page and each group of batches: true stops the erase there. @default never */
  readonly stop?: () => boolean;
}

export interface EraseResult {
  /** Items deleted by this call. */
  readonly deleted: number;
  /** False when `stop` ended it before the partition was done. */
  readonly complete: boolean;
}

/**
 * Deletes the items of one partition: consistent keys-only queries, page by
 * page, and BatchWriteItem deletes of 25, a few batches at a time, each
 * batch's unprocessed items sent again with jittered exponential backoff.
 * Deleting is idempotent, so an erase that stopped or failed partway is
 * finished by erasing again.
 */
export class PartitionEraser {
  public constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async erase(pk: string, options: EraseOptions = {}): Promise<EraseResult> {
    const stop = options.stop ?? (() => false);
    const keep = options.keep ?? (() => false);
    const { partitionKey, sortKey } = VAULT_TABLE;
    const attributes = [partitionKey, sortKey, ...(options.attributes ?? [])];
    const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      if (stop()) return { deleted, complete: false };
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression:
            options.prefix === undefined ? '#a0 = :pk' : '#a0 = :pk AND begins_with(#a1, :prefix)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':pk': pk,
            ...(options.prefix === undefined ? {} : { ':prefix': options.prefix }),
          },
          ProjectionExpression: Object.keys(names).join(', '),
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const doomed = (page.Items ?? [])
        .filter((item) => !keep(item))
        .map((item): Key => ({ pk: item[partitionKey] as string, sk: item[sortKey] as string }));
      for (let i = 0; i < doomed.length; i += BATCH_SIZE * PARALLEL_BATCHES) {
        if (stop()) return { deleted, complete: false };
        const group = doomed.slice(i, i + BATCH_SIZE * PARALLEL_BATCHES);
        const batches: Key[][] = [];
        for (let j = 0; j < group.length; j += BATCH_SIZE) batches.push(group.slice(j, j + BATCH_SIZE));
        await Promise.all(batches.map((batch) => this.deleteBatch(batch)));
        deleted += group.length;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { deleted, complete: true };
  }

  /** Deletes up to 25 items, sending unprocessed ones again until none is left. */
  private async deleteBatch(batch: readonly Key[]): Promise<void> {
    let requests: DeleteRequest[] = batch.map((key) => ({ DeleteRequest: { Key: { ...key } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > 1) {
        if (attempt > BATCH_ATTEMPTS) {
          throw new ServiceUnavailableError('DynamoDB is throttling the deletion; call again to finish it.');
        }
        // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
        await sleep(Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
      }
      const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      requests = (out.UnprocessedItems?.[this.tableName] ?? []) as DeleteRequest[];
    }
  }
}
