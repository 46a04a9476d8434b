export { ensureKeys, ensureTables, LOCAL_TABLES } from './bootstrap';
export { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDbClient, localKmsClient } from './clients';
export { DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb';
export * from './gateway';
export * from './kms';
export { freePort } from './ports';
export { type LocalJson, type LocalStack, type LocalStackOptions, startLocalStack } from './stack';
