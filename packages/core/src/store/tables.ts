import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The vault table: every entity of every user, keyed by user. */
export const VAULT_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** GSI on (pk, beacon): candidates for searchable-encryption lookups. */
  beaconIndex: 'beacon',
  beaconAttribute: 'beacon',
  ttlAttribute: 'expiresAt',
} as const;

/** Powertools idempotency persistence: its default attribute names. */
export const IDEMPOTENCY_TABLE = {
  partitionKey: 'id',
  ttlAttribute: 'expiration',
} as const;

export type TableRole = 'vault' | 'idempotency';

export type TableNames = Record<TableRole, string>;

/** CreateTable input for a role, as the local stack and tests create them. */
export function createTableInput(role: TableRole, tableName: string): CreateTableCommandInput {
  if (role === 'idempotency') {
    return {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey, AttributeType: 'S' }],
    };
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: VAULT_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: VAULT_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: VAULT_TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: VAULT_TABLE.sortKey, AttributeType: 'S' },
      { AttributeName: VAULT_TABLE.beaconAttribute, AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: VAULT_TABLE.beaconIndex,
        KeySchema: [
          { AttributeName: VAULT_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: VAULT_TABLE.beaconAttribute, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
