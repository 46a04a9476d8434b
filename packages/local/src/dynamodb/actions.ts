import { leadingKeysOf, objectOf, queryLeadingKeys } from './leading-keys';
import {
  ON_ACCOUNT,
  ON_ARN,
  ON_GLOBAL_TABLE,
  ON_ITEM,
  ON_TABLE,
  TRANSACT_WRITE_ACTIONS,
  UNSUPPORTED,
} from './operations';

/**
 * What one DynamoDB API call must be allowed to do, as DynamoDB's own
 * authorization asks IAM: the actions, the resources, the context keys.
 *
 * Written by hand from the Service Authorization Reference (Amazon DynamoDB),
 * because no library maps an API call to its IAM checks.
 */

/** The JSON-RPC target prefix of every DynamoDB data and control plane call. */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';

/** One question for the evaluator: may the caller do `action` on `resource`, given `context`. */
export interface DynamoDbCheck {
  /** `dynamodb:PutItem` */
  readonly action: string;
  /** `arn:aws:dynamodb:REGION:ACCOUNT:table/T`, `…/table/T/index/I`, or `*`. */
  readonly resource: string;
  /** `dynamodb:LeadingKeys`, `dynamodb:Select`, `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity` when the request has them. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** Where the tables live, and what the checks may learn about them. */
export interface DynamoDbScope {
  readonly region: string;
  readonly account: string;
  /** @default 'aws' */
  readonly partition?: string;
  /**
   * The partition key attribute of a table (or of one of its indexes), for
   * `dynamodb:LeadingKeys`. Without it, or when it answers undefined, the
   * checks carry no LeadingKeys.
   * @default no LeadingKeys
   */
  readonly partitionKeyOf?: (tableName: string, indexName?: string) => string | undefined;
}

/** Why a call cannot be authorized: DynamoDB's error type and message. */
export class DynamoDbRequestError extends Error {
  public constructor(
    /** `UnknownOperationException`, `ValidationException`, `SerializationException` or `AccessDeniedException`. */
    public readonly code:
      | 'UnknownOperationException'
      | 'ValidationException'
      | 'SerializationException'
      | 'AccessDeniedException',
    message: string,
    /** The IAM action concerned (`dynamodb:ExecuteStatement`), when the operation is known. */
    public readonly action?: string,
  ) {
    super(message);
    this.name = 'DynamoDbRequestError';
  }
}

/** A JSON object from the request body. */
type Json = Readonly<Record<string, unknown>>;

/**
 * The operation named by an `X-Amz-Target` header (`DynamoDB_20120810.PutItem`
 * → `PutItem`); throws UnknownOperationException for anything else.
 */
export function operationOf(target: string | undefined): string {
  if (target === undefined || !target.startsWith(DYNAMODB_TARGET_PREFIX)) {
    throw new DynamoDbRequestError(
      'UnknownOperationException',
      `the local DynamoDB proxy serves only ${DYNAMODB_TARGET_PREFIX}* targets, not ${target ?? 'a request without X-Amz-Target'}`,
    );
  }
  return target.slice(DYNAMODB_TARGET_PREFIX.length);
}

/**
 * The checks a DynamoDB call needs, every one of which must be allowed.
 * Throws DynamoDbRequestError for an operation it does not know (Unknown-
 * OperationException), one it cannot authorize (AccessDeniedException), or a
 * body without the fields that name the resource (ValidationException).
 */
export function checksFor(operation: string, body: Json, scope: DynamoDbScope): readonly DynamoDbCheck[] {
  const action = `dynamodb:${operation}`;
  const unsupported = UNSUPPORTED[operation];
  if (unsupported !== undefined) {
    throw new DynamoDbRequestError(
      'AccessDeniedException',
      `the local DynamoDB proxy cannot authorize ${action} (${unsupported})`,
      action,
    );
  }
  const options = requestOptions(body);
  if (ON_ACCOUNT.has(operation)) return [{ action, resource: '*', context: options }];
  if (ON_TABLE.has(operation)) return [onTable(action, body, scope, options)];
  const itemField = ON_ITEM[operation];
  if (itemField !== undefined) {
    const table = required(body, 'TableName');
    return [check(action, tableArn(table, scope), options, leadingKeysOf(table, [body[itemField]], scope))];
  }
  if (operation === 'Query') {
    const base = onTable(action, body, scope, options);
    const index = optionalString(body, 'IndexName');
    return [{ ...base, context: { ...base.context, ...queryLeadingKeys(body, index, scope) } }];
  }
  const arnField = ON_ARN[operation];
  if (arnField !== undefined) return [{ action, resource: required(body, arnField), context: options }];
  if (ON_GLOBAL_TABLE.has(operation)) {
    const name = required(body, 'GlobalTableName');
    return [
      {
        action,
        resource: `arn:${partitionOf(scope)}:dynamodb::${scope.account}:global-table/${name}`,
        context: options,
      },
    ];
  }
  switch (operation) {
    case 'BatchGetItem':
      return perTable(body, (entry) => arrayOf(objectOf(entry).Keys)).map(({ table, items }) =>
        check(action, tableArn(table, scope), options, leadingKeysOf(table, items, scope)),
      );
    case 'BatchWriteItem':
      return perTable(body, (entry) =>
        arrayOf(entry).map((write) => {
          const request = objectOf(write);
          return objectOf(request.PutRequest).Item ?? objectOf(request.DeleteRequest).Key;
        }),
      ).map(({ table, items }) =>
        check(action, tableArn(table, scope), options, leadingKeysOf(table, items, scope)),
      );
    case 'TransactGetItems':
      return transactItems(body).map((entry) => {
        const get = objectOf(objectOf(entry).Get);
        const table = required(get, 'TableName');
        return check('dynamodb:GetItem', tableArn(table, scope), {}, leadingKeysOf(table, [get.Key], scope));
      });
    case 'TransactWriteItems':
      return dedupe(transactItems(body).map((entry) => transactWriteCheck(objectOf(entry), scope)));
    case 'ImportTable': {
      const table = required(objectOf(body.TableCreationParameters), 'TableName');
      return [{ action, resource: tableArn(table, scope), context: options }];
    }
    case 'RestoreTableFromBackup':
      return [{ action, resource: tableArn(required(body, 'TargetTableName'), scope), context: options }];
    case 'RestoreTableToPointInTime': {
      const source = optionalString(body, 'SourceTableArn') ?? required(body, 'SourceTableName');
      return [{ action, resource: tableArn(source, scope), context: options }];
    }
    default:
      throw new DynamoDbRequestError(
        'UnknownOperationException',
        `the local DynamoDB proxy does not know the operation ${operation}, so it denies it`,
      );
  }
}

/** A table (or index) ARN; a TableName that already is an ARN is kept as it is. */
export function tableArn(tableName: string, scope: DynamoDbScope, indexName?: string): string {
  const table = tableName.startsWith('arn:')
    ? tableName
    : `arn:${partitionOf(scope)}:dynamodb:${scope.region}:${scope.account}:table/${tableName}`;
  return indexName === undefined ? table : `${table}/index/${indexName}`;
}

function onTable(action: string, body: Json, scope: DynamoDbScope, options: Json): DynamoDbCheck {
  const table = required(body, 'TableName');
  return {
    action,
    resource: tableArn(table, scope, optionalString(body, 'IndexName')),
    context: options as DynamoDbCheck['context'],
  };
}

function transactWriteCheck(entry: Json, scope: DynamoDbScope): DynamoDbCheck {
  const kinds = Object.keys(entry).filter((kind) => TRANSACT_WRITE_ACTIONS[kind] !== undefined);
  const kind = kinds[0];
  if (kinds.length !== 1 || kind === undefined) {
    throw new DynamoDbRequestError(
      'ValidationException',
      'TransactItems can only contain one of Check, Put, Update or Delete',
    );
  }
  const { action, field } = TRANSACT_WRITE_ACTIONS[kind] as { action: string; field: 'Key' | 'Item' };
  const item = objectOf(entry[kind]);
  const table = required(item, 'TableName');
  return check(
    action,
    tableArn(table, scope),
    requestOptions(item),
    leadingKeysOf(table, [item[field]], scope),
  );
}

function check(action: string, resource: string, options: Json, keys: Json): DynamoDbCheck {
  return { action, resource, context: { ...options, ...keys } as DynamoDbCheck['context'] };
}

/** The request's options that are IAM condition keys of DynamoDB. */
function requestOptions(body: Json): Readonly<Record<string, string>> {
  const context: Record<string, string> = {};
  for (const key of ['Select', 'ReturnValues', 'ReturnConsumedCapacity'] as const) {
    const value = body[key];
    if (typeof value === 'string') context[`dynamodb:${key}`] = value;
  }
  return context;
}

function perTable(
  body: Json,
  itemsOf: (entry: unknown) => readonly unknown[],
): { readonly table: string; readonly items: readonly unknown[] }[] {
  const requestItems = objectOf(body.RequestItems);
  const tables = Object.keys(requestItems);
  if (tables.length === 0) {
    throw new DynamoDbRequestError(
      'ValidationException',
      "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null",
    );
  }
  return tables.map((table) => ({ table, items: itemsOf(requestItems[table]) }));
}

function transactItems(body: Json): readonly unknown[] {
  const items = arrayOf(body.TransactItems);
  if (items.length === 0) {
    throw new DynamoDbRequestError(
      'ValidationException',
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  return items;
}

function dedupe(checks: readonly DynamoDbCheck[]): readonly DynamoDbCheck[] {
  const seen = new Set<string>();
  return checks.filter((c) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function required(body: Json, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '') {
    const member = field.charAt(0).toLowerCase() + field.slice(1);
    throw new DynamoDbRequestError(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

function partitionOf(scope: DynamoDbScope): string {
  return scope.partition ?? 'aws';
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
