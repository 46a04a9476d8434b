export { DynamoDbLocal, type DynamoDbLocalOptions } from './launcher';
export { TtlSweeper, type TtlSweeperOptions, type TtlTable } from './ttl';
