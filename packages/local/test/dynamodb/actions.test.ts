import * as DynamoDbSdk from '@aws-sdk/client-dynamodb';
import { checksFor, DynamoDbRequestError, type DynamoDbScope, operationOf } from '../../src/dynamodb';

const TABLE = 'arn:aws:dynamodb:us-east-1:111111111111:table';
const scope: DynamoDbScope = {
  region: 'us-east-1',
  account: '111111111111',
  partitionKeyOf: (table, index) => (table === 'vault' && index !== 'by-owner' ? 'pk' : undefined),
};

/** The error checksFor throws, or undefined. */
function errorOf(operation: string, body: Record<string, unknown>): DynamoDbRequestError | undefined {
  try {
    checksFor(operation, body, scope);
    return undefined;
  } catch (err) {
    return err as DynamoDbRequestError;
  }
}

/** A body that names every resource field an operation may need. */
function bodyFor(operation: string): Record<string, unknown> {
  const arn = `${TABLE}/vault`;
  const shared = {
    TableName: 'vault',
    BackupArn: `${arn}/backup/01`,
    ExportArn: `${arn}/export/01`,
    ImportArn: `${arn}/import/01`,
    ResourceArn: arn,
    TableArn: arn,
    GlobalTableName: 'vault',
    TargetTableName: 'restored',
    SourceTableName: 'vault',
    TableCreationParameters: { TableName: 'imported' },
  };
  if (operation === 'BatchGetItem') return { RequestItems: { vault: { Keys: [{ pk: { S: 'a' } }] } } };
  if (operation === 'BatchWriteItem')
    return { RequestItems: { vault: [{ PutRequest: { Item: { pk: { S: 'a' } } } }] } };
  if (operation === 'TransactGetItems') return { TransactItems: [{ Get: { TableName: 'vault', Key: {} } }] };
  if (operation === 'TransactWriteItems')
    return { TransactItems: [{ Put: { TableName: 'vault', Item: {} } }] };
  return shared;
}

describe('Function: checksFor', () => {
  it('maps every operation of the DynamoDB SDK to IAM checks, or denies it by name as unsupported', () => {
    // Arrange: every operation the installed SDK can send.
    const operations = Object.keys(DynamoDbSdk)
      .filter((name) => /^[A-Z][A-Za-z]+Command$/.test(name))
      .map((name) => name.slice(0, -'Command'.length));

    // Act
    const outcomes = operations.map((operation) => {
      const error = errorOf(operation, bodyFor(operation));
      return { operation, outcome: error?.code ?? 'checked' };
    });

    // Assert
    expect(operations.length).toBeGreaterThan(50);
    expect(
      outcomes.filter(({ outcome }) => outcome !== 'checked' && outcome !== 'AccessDeniedException'),
    ).toEqual([]);
    expect(
      outcomes.filter(({ outcome }) => outcome === 'AccessDeniedException').map((o) => o.operation),
    ).toEqual(expect.arrayContaining(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']));
  });

  it('checks dynamodb:<Op> on the table with the partition key value as dynamodb:LeadingKeys for item calls', () => {
    // Act
    const put = checksFor(
      'PutItem',
      { TableName: 'vault', Item: { pk: { S: 'user#1' }, sk: { S: 'a' } } },
      scope,
    );
    const get = checksFor(
      'GetItem',
      { TableName: 'vault', Key: { pk: { S: 'user#1' } }, Select: 'x' },
      scope,
    );
    const unknownKey = checksFor('DeleteItem', { TableName: 'other', Key: { id: { S: 'a' } } }, scope);

    // Assert
    expect(put).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: `${TABLE}/vault`,
        context: { 'dynamodb:LeadingKeys': ['user#1'] },
      },
    ]);
    expect(get[0]?.context).toEqual({ 'dynamodb:LeadingKeys': ['user#1'], 'dynamodb:Select': 'x' });
    expect(unknownKey).toEqual([{ action: 'dynamodb:DeleteItem', resource: `${TABLE}/other`, context: {} }]);
  });

  it('checks the index ARN for a Query or Scan that names an index, with the key condition as LeadingKeys', () => {
    // Act
    const query = checksFor(
      'Query',
      {
        TableName: 'vault',
        IndexName: 'beacon',
        KeyConditionExpression: '#b = :b AND :p = #p',
        ExpressionAttributeNames: { '#p': 'pk', '#b': 'beacon' },
        ExpressionAttributeValues: { ':p': { S: 'user#1' }, ':b': { S: 'zz' } },
      },
      scope,
    );
    const legacy = checksFor(
      'Query',
      {
        TableName: 'vault',
        KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '7' }] } },
      },
      scope,
    );
    const scan = checksFor('Scan', { TableName: 'vault', IndexName: 'beacon' }, scope);

    // Assert
    expect(query).toEqual([
      {
        action: 'dynamodb:Query',
        resource: `${TABLE}/vault/index/beacon`,
        context: { 'dynamodb:LeadingKeys': ['user#1'] },
      },
    ]);
    expect(legacy[0]?.context).toEqual({ 'dynamodb:LeadingKeys': ['7'] });
    expect(scan).toEqual([{ action: 'dynamodb:Scan', resource: `${TABLE}/vault/index/beacon`, context: {} }]);
  });

  it('checks BatchGetItem and BatchWriteItem once per table, with each table its own LeadingKeys', () => {
    // Act
    const write = checksFor(
      'BatchWriteItem',
      {
        RequestItems: {
          vault: [
            { PutRequest: { Item: { pk: { S: 'a' } } } },
            { DeleteRequest: { Key: { pk: { S: 'b' } } } },
          ],
          other: [{ DeleteRequest: { Key: { id: { S: 'c' } } } }],
        },
      },
      scope,
    );
    const get = checksFor('BatchGetItem', { RequestItems: { vault: { Keys: [{ pk: { S: 'a' } }] } } }, scope);

    // Assert
    expect(write).toEqual([
      {
        action: 'dynamodb:BatchWriteItem',
        resource: `${TABLE}/vault`,
        context: { 'dynamodb:LeadingKeys': ['a', 'b'] },
      },
      { action: 'dynamodb:BatchWriteItem', resource: `${TABLE}/other`, context: {} },
    ]);
    expect(get).toEqual([
      {
        action: 'dynamodb:BatchGetItem',
        resource: `${TABLE}/vault`,
        context: { 'dynamodb:LeadingKeys': ['a'] },
      },
    ]);
  });

  it('checks each transaction item as the single-item action it is', () => {
    // Act
    const write = checksFor(
      'TransactWriteItems',
      {
        TransactItems: [
          { ConditionCheck: { TableName: 'vault', Key: { pk: { S: 'h' } }, ConditionExpression: 'x' } },
          { Put: { TableName: 'vault', Item: { pk: { S: 'h' } } } },
          { Update: { TableName: 'other', Key: { id: { S: 'u' } } } },
          { Delete: { TableName: 'other', Key: { id: { S: 'd' } } } },
        ],
      },
      scope,
    );
    const get = checksFor(
      'TransactGetItems',
      { TransactItems: [{ Get: { TableName: 'other', Key: {} } }] },
      scope,
    );

    // Assert
    expect(write.map(({ action, resource }) => `${action} ${resource}`)).toEqual([
      `dynamodb:ConditionCheckItem ${TABLE}/vault`,
      `dynamodb:PutItem ${TABLE}/vault`,
      `dynamodb:UpdateItem ${TABLE}/other`,
      `dynamodb:DeleteItem ${TABLE}/other`,
    ]);
    expect(get).toEqual([{ action: 'dynamodb:GetItem', resource: `${TABLE}/other`, context: {} }]);
  });

  it('checks ListTables on *, and keeps a TableName given as an ARN', () => {
    // Act
    const list = checksFor('ListTables', {}, scope);
    const byArn = checksFor(
      'DescribeTable',
      { TableName: 'arn:aws:dynamodb:eu-west-1:222222222222:table/x' },
      scope,
    );

    // Assert
    expect(list).toEqual([{ action: 'dynamodb:ListTables', resource: '*', context: {} }]);
    expect(byArn[0]?.resource).toBe('arn:aws:dynamodb:eu-west-1:222222222222:table/x');
  });

  it('throws UnknownOperationException for an operation DynamoDB does not have', () => {
    // Act
    const error = errorOf('Frobnicate', {});

    // Assert
    expect(error).toBeInstanceOf(DynamoDbRequestError);
    expect(error?.code).toBe('UnknownOperationException');
    expect(error?.message).toContain('Frobnicate');
  });

  it('throws ValidationException when the body does not name the table', () => {
    // Act
    const error = errorOf('GetItem', { Key: {} });

    // Assert
    expect(error?.code).toBe('ValidationException');
    expect(error?.message).toContain("'tableName'");
  });
});

describe('Function: operationOf', () => {
  it('throws UnknownOperationException for a target of another service or none', () => {
    // Act
    const streams = (() => {
      try {
        return operationOf('DynamoDBStreams_20120810.GetRecords');
      } catch (err) {
        return (err as DynamoDbRequestError).code;
      }
    })();

    // Assert
    expect(operationOf('DynamoDB_20120810.PutItem')).toBe('PutItem');
    expect(streams).toBe('UnknownOperationException');
    expect(() => operationOf(undefined)).toThrow(DynamoDbRequestError);
  });
});
