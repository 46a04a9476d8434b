import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ProvisionedThroughput,
} from '@aws-sdk/client-dynamodb';
import type { ResourceHandler } from '../context';
import { generatedName, physical } from '../physical';
import type { TableResource } from '../types';
import { bool, list, obj, optStr, type Props } from './props';

/**
 * AWS::DynamoDB::Table → a table in DynamoDB Local (CreateTable when
 * missing, TTL switched on). Encryption, point-in-time recovery, deletion
 * protection and table class have no local meaning and are not passed on.
 */
export const provisionTable: ResourceHandler = async (ctx, r) => {
  const p = r.resolved;
  const { partition, region, account } = ctx.env;
  const tableName = optStr(p, 'TableName') ?? generatedName(ctx.env, r.logicalId, 255);
  const arn = `arn:${partition}:dynamodb:${region}:${account}:table/${tableName}`;
  const provisioned = p.ProvisionedThroughput as ProvisionedThroughput | undefined;
  const billingMode =
    optStr(p, 'BillingMode') ?? (provisioned !== undefined ? 'PROVISIONED' : 'PAY_PER_REQUEST');
  const stream = obj(p, 'StreamSpecification');
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: list(p, 'KeySchema') as KeySchemaElement[],
    AttributeDefinitions: list(p, 'AttributeDefinitions') as AttributeDefinition[],
    BillingMode: billingMode as 'PROVISIONED' | 'PAY_PER_REQUEST',
    ...(billingMode === 'PROVISIONED' && provisioned !== undefined
      ? { ProvisionedThroughput: throughput(provisioned) }
      : {}),
    ...indexes(p, billingMode),
    ...(typeof stream.StreamViewType === 'string'
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } }
      : {}),
  };
  const ttl = obj(p, 'TimeToLiveSpecification');
  const ttlAttribute = bool(ttl, 'Enabled', false) ? optStr(ttl, 'AttributeName') : undefined;
  const table: TableResource = {
    logicalId: r.logicalId,
    tableName,
    arn,
    createTableInput: input,
    ...(ttlAttribute !== undefined ? { ttlAttribute } : {}),
  };
  await ctx.tables.ensureTable(table);
  ctx.collected.tables.push(table);
  return physical(tableName, {
    Arn: arn,
    ...(input.StreamSpecification !== undefined
      ? { StreamArn: `${arn}/stream/1970-01-01T00:00:00.000` }
      : {}),
  });
};

function indexes(
  p: Props,
  billingMode: string,
): Pick<CreateTableCommandInput, 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes'> {
  const gsis = list(p, 'GlobalSecondaryIndexes') as Props[];
  const lsis = list(p, 'LocalSecondaryIndexes') as Props[];
  const index = (i: Props) => ({
    IndexName: String(i.IndexName),
    KeySchema: i.KeySchema as KeySchemaElement[],
    Projection: projection(i.Projection as Props | undefined),
  });
  return {
    ...(gsis.length > 0
      ? {
          GlobalSecondaryIndexes: gsis.map(
            (i): GlobalSecondaryIndex => ({
              ...index(i),
              ...(billingMode === 'PROVISIONED' && i.ProvisionedThroughput !== undefined
                ? { ProvisionedThroughput: throughput(i.ProvisionedThroughput as ProvisionedThroughput) }
                : {}),
            }),
          ),
        }
      : {}),
    ...(lsis.length > 0 ? { LocalSecondaryIndexes: lsis.map((i): LocalSecondaryIndex => index(i)) } : {}),
  };
}

function projection(p: Props | undefined): Projection {
  const type = (optStr(p ?? {}, 'ProjectionType') ?? 'ALL') as Projection['ProjectionType'];
  const nonKey = list(p ?? {}, 'NonKeyAttributes').map(String);
  return { ProjectionType: type, ...(nonKey.length > 0 ? { NonKeyAttributes: nonKey } : {}) };
}

function throughput(t: ProvisionedThroughput): ProvisionedThroughput {
  return { ReadCapacityUnits: Number(t.ReadCapacityUnits), WriteCapacityUnits: Number(t.WriteCapacityUnits) };
}
