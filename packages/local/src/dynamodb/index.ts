export { DynamoDbLocal, type DynamoDbLocalOptions } from './launcher';
