import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** lib-dynamodb over a DynamoDB client: native JS values, undefined members dropped. */
export function documentClient(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** Every item of one partition under a sort-key prefix, following all pages. */
export async function queryPrefix(
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
  options: {
    newestFirst?: boolean;
    consistent?: boolean;
    /** A FilterExpression: DynamoDB still reads every item under the prefix, but returns only matches. */
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
    /** Only these attributes of each item. */
    projection?: readonly string[];
  } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...options.filter?.values },
        ...(options.filter ? { FilterExpression: options.filter.expression } : {}),
        ...(options.projection
          ? { ProjectionExpression: options.projection.map((_, i) => `#p${i}`).join(', ') }
          : {}),
        ...(options.filter || options.projection
          ? {
              ExpressionAttributeNames: {
                ...options.filter?.names,
                ...Object.fromEntries((options.projection ?? []).map((a, i) => [`#p${i}`, a])),
              },
            }
          : {}),
        ScanIndexForward: !(options.newestFirst ?? false),
        ConsistentRead: options.consistent ?? true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
