import {
  CreateTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '@kmsvault/core';
import { localDynamoDbClient } from '../../src/clients';
import { DynamoDbLocal, DynamoDbProxy } from '../../src/dynamodb';
import type { LocalPrincipal } from '../../src/iam/types';
import { ACCOUNT, ARN, allow, clientAs, REGION, rejectionOf, TestIam } from './proxy-fixtures';

describe('Class: DynamoDbProxy', () => {
  let ddb: DynamoDbLocal;
  let admin: DynamoDBDocumentClient;
  let proxy: DynamoDbProxy;
  const iam = new TestIam();
  const clients: DynamoDBClient[] = [];
  const docAs = (principal: LocalPrincipal) => {
    const client = clientAs(proxy, principal);
    clients.push(client);
    return DynamoDBDocumentClient.from(client);
  };

  beforeAll(async () => {
    ddb = await DynamoDbLocal.start();
    const raw = localDynamoDbClient(ddb.endpoint);
    admin = DynamoDBDocumentClient.from(raw);
    await raw.send(new CreateTableCommand(createTableInput('vault', 'vault')));
    await raw.send(new CreateTableCommand(createTableInput('idempotency', 'other')));
    proxy = new DynamoDbProxy({
      target: ddb.endpoint,
      authenticate: iam.authenticate,
      authorize: iam.authorize,
      region: REGION,
      account: ACCOUNT,
      partitionKeyOf: (table) => ({ vault: 'pk', other: 'id' })[table],
    });
    await proxy.start();
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    admin?.destroy();
    await proxy?.stop();
    await ddb?.stop();
  });

  it('listens on 127.0.0.1 only', () => {
    // Assert
    expect(proxy.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('forwards an allowed GetItem to DynamoDB Local and answers with its item', async () => {
    // Arrange
    await admin.send(new PutCommand({ TableName: 'vault', Item: { pk: 'user#1', sk: 'head', v: 1 } }));
    const reader = iam.role('reader', allow('dynamodb:GetItem', `${ARN}/vault`));

    // Act
    const answer = await docAs(reader).send(
      new GetCommand({ TableName: 'vault', Key: { pk: 'user#1', sk: 'head' } }),
    );

    // Assert
    expect(answer.Item).toEqual({ pk: 'user#1', sk: 'head', v: 1 });
    expect(iam.asked.filter((r) => r.principal === reader)).toEqual([
      {
        principal: reader,
        action: 'dynamodb:GetItem',
        resource: `${ARN}/vault`,
        context: { 'dynamodb:LeadingKeys': ['user#1'] },
      },
    ]);
  });

  it('answers AccessDeniedException naming the action and table ARN when PutItem is not allowed, and writes nothing', async () => {
    // Arrange
    const reader = iam.role('readonly', allow('dynamodb:GetItem', `${ARN}/vault`));

    // Act
    const error = await rejectionOf(
      docAs(reader).send(new PutCommand({ TableName: 'vault', Item: { pk: 'user#2', sk: 'head' } })),
    );

    // Assert
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$fault).toBe('client');
    expect(error.message).toBe(
      `User: ${reader.sessionArn} is not authorized to perform: dynamodb:PutItem on resource: ${ARN}/vault ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    );
    expect(
      (await admin.send(new GetCommand({ TableName: 'vault', Key: { pk: 'user#2', sk: 'head' } }))).Item,
    ).toBe(undefined);
  });

  it('says "with an explicit deny" when a Deny statement matches', async () => {
    // Arrange
    const denied = iam.role('denied', allow('dynamodb:*', `${ARN}/*`), {
      Effect: 'Deny',
      Action: 'dynamodb:PutItem',
      Resource: `${ARN}/vault`,
    });

    // Act
    const error = await rejectionOf(
      docAs(denied).send(new PutCommand({ TableName: 'vault', Item: { pk: 'user#3', sk: 'head' } })),
    );

    // Assert
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(/dynamodb:PutItem on resource: \S+:table\/vault with an explicit deny/);
  });

  it('asks about the index ARN for a Query on an index', async () => {
    // Arrange
    await admin.send(new PutCommand({ TableName: 'vault', Item: { pk: 'user#4', sk: 's1', beacon: 'b1' } }));
    const searcher = iam.role('searcher', allow('dynamodb:Query', `${ARN}/vault/index/*`));
    const tableOnly = iam.role('tableonly', allow('dynamodb:Query', `${ARN}/vault`));
    const query = new QueryCommand({
      TableName: 'vault',
      IndexName: 'beacon',
      KeyConditionExpression: 'pk = :pk AND beacon = :b',
      ExpressionAttributeValues: { ':pk': 'user#4', ':b': 'b1' },
    });

    // Act
    const found = await docAs(searcher).send(query);
    const error = await rejectionOf(docAs(tableOnly).send(query));

    // Assert
    expect(found.Items).toEqual([{ pk: 'user#4', sk: 's1', beacon: 'b1' }]);
    expect(iam.askedFor(searcher)).toEqual([`dynamodb:Query ${ARN}/vault/index/beacon`]);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:Query on resource: ${ARN}/vault/index/beacon `);
  });

  it('denies a whole BatchWriteItem when one of its two tables is not allowed, and writes nothing', async () => {
    // Arrange
    const oneTable = iam.role('onetable', allow('dynamodb:BatchWriteItem', `${ARN}/vault`));
    const bothTables = iam.role(
      'bothtables',
      allow('dynamodb:BatchWriteItem', [`${ARN}/vault`, `${ARN}/other`]),
    );
    const batch = (n: number) =>
      new BatchWriteCommand({
        RequestItems: {
          vault: [{ PutRequest: { Item: { pk: `batch#${n}`, sk: 'x' } } }],
          other: [{ PutRequest: { Item: { id: `batch#${n}` } } }],
        },
      });

    // Act
    const error = await rejectionOf(docAs(oneTable).send(batch(1)));
    await docAs(bothTables).send(batch(2));

    // Assert
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:BatchWriteItem on resource: ${ARN}/other `);
    expect(iam.askedFor(oneTable)).toEqual([
      `dynamodb:BatchWriteItem ${ARN}/vault`,
      `dynamodb:BatchWriteItem ${ARN}/other`,
    ]);
    expect(iam.askedFor(bothTables)).toEqual(iam.askedFor(oneTable));
    const read = async (n: number) => [
      (await admin.send(new GetCommand({ TableName: 'vault', Key: { pk: `batch#${n}`, sk: 'x' } }))).Item,
      (await admin.send(new GetCommand({ TableName: 'other', Key: { id: `batch#${n}` } }))).Item,
    ];
    expect(await read(1)).toEqual([undefined, undefined]);
    expect(await read(2)).toEqual([{ pk: 'batch#2', sk: 'x' }, { id: 'batch#2' }]);
  });

  it('checks dynamodb:ConditionCheckItem for the ConditionCheck of a TransactWriteItems', async () => {
    // Arrange
    await admin.send(new PutCommand({ TableName: 'vault', Item: { pk: 'user#5', sk: 'head', version: 1 } }));
    const putOnly = iam.role('putonly', allow('dynamodb:PutItem', `${ARN}/vault`));
    const checker = iam.role(
      'checker',
      allow(['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'], `${ARN}/vault`),
    );
    const transaction = (sk: string) =>
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: 'vault',
              Key: { pk: 'user#5', sk: 'head' },
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': 1 },
            },
          },
          { Put: { TableName: 'vault', Item: { pk: 'user#5', sk } } },
        ],
      });

    // Act
    const error = await rejectionOf(docAs(putOnly).send(transaction('denied')));
    await docAs(checker).send(transaction('written'));

    // Assert
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:ConditionCheckItem on resource: ${ARN}/vault `);
    expect(iam.askedFor(checker)).toEqual([
      `dynamodb:ConditionCheckItem ${ARN}/vault`,
      `dynamodb:PutItem ${ARN}/vault`,
    ]);
    expect(
      (await admin.send(new GetCommand({ TableName: 'vault', Key: { pk: 'user#5', sk: 'denied' } }))).Item,
    ).toBe(undefined);
    expect(
      (await admin.send(new GetCommand({ TableName: 'vault', Key: { pk: 'user#5', sk: 'written' } }))).Item,
    ).toEqual({ pk: 'user#5', sk: 'written' });
  });

  it('answers UnrecognizedClientException to credentials that map to no principal, without asking IAM', async () => {
    // Arrange
    const stranger = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    clients.push(stranger);
    const askedBefore = iam.asked.length;

    // Act
    const error = await rejectionOf(
      stranger.send(
        new GetItemCommand({ TableName: 'vault', Key: { pk: { S: 'user#1' }, sk: { S: 'head' } } }),
      ),
    );

    // Assert
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe('The security token included in the request is invalid.');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(iam.asked.length).toBe(askedBefore);
  });

  it('denies a PartiQL statement it cannot authorize, naming the action', async () => {
    // Arrange
    const partiql = iam.role('partiql', allow('dynamodb:*', '*'));

    // Act
    const error = await rejectionOf(
      clientAs(proxy, partiql).send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "vault"' })),
    );

    // Assert
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      `User: ${partiql.sessionArn} is not authorized to perform: dynamodb:ExecuteStatement because the local ` +
        'DynamoDB proxy cannot authorize dynamodb:ExecuteStatement (PartiQL statements are not parsed)',
    );
  });
});
