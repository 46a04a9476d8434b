export {
  checksFor,
  type DynamoDbCheck,
  DynamoDbRequestError,
  type DynamoDbScope,
  operationOf,
  tableArn,
} from './actions';
export { DynamoDbLocal, type DynamoDbLocalOptions } from './launcher';
export {
  type Authenticate,
  type Authorize,
  DynamoDbProxy,
  type DynamoDbProxyOptions,
  MAX_REQUEST_BYTES,
  type ProxiedRequest,
} from './proxy';
export { TtlSweeper, type TtlSweeperOptions, type TtlTable } from './ttl';
