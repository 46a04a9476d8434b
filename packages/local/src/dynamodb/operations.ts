/**
 * DynamoDB's operations by the shape of their IAM check: which resource each
 * names, and which action an item of a transaction needs. From the Service
 * Authorization Reference (Amazon DynamoDB), by hand: no library maps them.
 */

/** Calls the DynamoDB API has but this proxy cannot authorize: they are denied, never forwarded unchecked. */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  BatchExecuteStatement: 'PartiQL statements are not parsed',
  ExecuteStatement: 'PartiQL statements are not parsed',
  ExecuteTransaction: 'PartiQL statements are not parsed',
  CancelBulkOperation: 'bulk operations are not mapped to IAM actions',
  DescribeBulkOperation: 'bulk operations are not mapped to IAM actions',
  ListBulkOperations: 'bulk operations are not mapped to IAM actions',
  StartBulkPutItems: 'bulk operations are not mapped to IAM actions',
  SearchVectors: 'vector search is not mapped to IAM actions',
};

/** Calls on one table (an index when the request names IndexName); the action is `dynamodb:<Op>`. */
export const ON_TABLE = new Set([
  'CreateBackup',
  'CreateTable',
  'DeleteTable',
  'DescribeContinuousBackups',
  'DescribeContributorInsights',
  'DescribeKinesisStreamingDestination',
  'DescribeTable',
  'DescribeTableReplicaAutoScaling',
  'DescribeTimeToLive',
  'DisableKinesisStreamingDestination',
  'EnableKinesisStreamingDestination',
  'Scan',
  'UpdateContinuousBackups',
  'UpdateContributorInsights',
  'UpdateKinesisStreamingDestination',
  'UpdateTable',
  'UpdateTableReplicaAutoScaling',
  'UpdateTimeToLive',
]);

/** Calls on one item; `dynamodb:LeadingKeys` comes from the field named. */
export const ON_ITEM: Readonly<Record<string, 'Key' | 'Item'>> = {
  GetItem: 'Key',
  DeleteItem: 'Key',
  UpdateItem: 'Key',
  PutItem: 'Item',
};

/** Calls that name no resource: IAM sees `*`. */
export const ON_ACCOUNT = new Set([
  'DescribeEndpoints',
  'DescribeLimits',
  'ListBackups',
  'ListContributorInsights',
  'ListExports',
  'ListGlobalTables',
  'ListImports',
  'ListTables',
]);

/** Calls on a resource the request names by ARN, in the field given. */
export const ON_ARN: Readonly<Record<string, string>> = {
  DeleteBackup: 'BackupArn',
  DescribeBackup: 'BackupArn',
  DescribeExport: 'ExportArn',
  DescribeImport: 'ImportArn',
  DeleteResourcePolicy: 'ResourceArn',
  GetResourcePolicy: 'ResourceArn',
  PutResourcePolicy: 'ResourceArn',
  ListTagsOfResource: 'ResourceArn',
  TagResource: 'ResourceArn',
  UntagResource: 'ResourceArn',
  ExportTableToPointInTime: 'TableArn',
};

/** Calls on a global table (version 2017.11.29), named by GlobalTableName. */
export const ON_GLOBAL_TABLE = new Set([
  'CreateGlobalTable',
  'DescribeGlobalTable',
  'DescribeGlobalTableSettings',
  'UpdateGlobalTable',
  'UpdateGlobalTableSettings',
]);

/** TransactWriteItems: the action each kind of item needs. */
export const TRANSACT_WRITE_ACTIONS: Readonly<
  Record<string, { readonly action: string; readonly field: 'Key' | 'Item' }>
> = {
  ConditionCheck: { action: 'dynamodb:ConditionCheckItem', field: 'Key' },
  Put: { action: 'dynamodb:PutItem', field: 'Item' },
  Update: { action: 'dynamodb:UpdateItem', field: 'Key' },
  Delete: { action: 'dynamodb:DeleteItem', field: 'Key' },
};
