export { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoDbClient, localKmsClient } from './clients';
export { DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb';
export * from './gateway';
export * from './kms';
export { freePort } from './ports';
export {
  type LocalJson,
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
  WORKSPACE_ROOT,
} from './stack';
export { TemplateError } from './template/types';
