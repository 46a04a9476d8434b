import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { classifyDependencyError, createTableInput, ServiceUnavailableError } from '@kmsvault/core';
import { localDynamoDbClient } from '../../src/clients';
import { DynamoDbLocal, DynamoDbProxy } from '../../src/dynamodb';
import { ACCOUNT, ARN, allow, clientAs, REGION, rejectionOf, TestIam } from './proxy-fixtures';

describe('Class: DynamoDbProxy', () => {
  let ddb: DynamoDbLocal;
  let admin: DynamoDBDocumentClient;
  let proxy: DynamoDbProxy;
  const iam = new TestIam();

  beforeAll(async () => {
    ddb = await DynamoDbLocal.start();
    admin = DynamoDBDocumentClient.from(localDynamoDbClient(ddb.endpoint));
    await admin.send(new CreateTableCommand(createTableInput('vault', 'vault')));
    proxy = new DynamoDbProxy({
      target: ddb.endpoint,
      authenticate: iam.authenticate,
      authorize: iam.authorize,
      region: REGION,
      account: ACCOUNT,
    });
    await proxy.start();
  });

  afterAll(async () => {
    admin?.destroy();
    await proxy?.stop();
    await ddb?.stop();
  });

  it('answers UnknownOperationException to a target DynamoDB does not have', async () => {
    // Arrange
    const anyone = iam.role('anyone', allow('dynamodb:*', '*'));

    // Act
    const answer = await fetch(proxy.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.Frobnicate',
        authorization: `AWS4-HMAC-SHA256 Credential=${anyone.credentials.accessKeyId}/20250101/us-east-1/dynamodb/aws4_request`,
      },
      body: '{}',
    });

    // Assert
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await answer.json()).toEqual({
      __type: 'com.amazon.coral.service#UnknownOperationException',
      message: expect.stringContaining('Frobnicate'),
    });
  });

  it('answers 413 to a request over its size limit, and forwards nothing', async () => {
    // Arrange
    const writer = iam.role('bigwriter', allow('dynamodb:PutItem', `${ARN}/vault`));
    const small = new DynamoDbProxy({
      target: ddb.endpoint,
      authenticate: iam.authenticate,
      authorize: iam.authorize,
      region: REGION,
      account: ACCOUNT,
      maxRequestBytes: 1024,
    });
    await small.start();
    const client = clientAs(small, writer);

    try {
      // Act
      const error = await rejectionOf(
        client.send(
          new PutItemCommand({
            TableName: 'vault',
            Item: { pk: { S: 'big' }, sk: { S: 'x' }, v: { S: 'x'.repeat(2048) } },
          }),
        ),
      );

      // Assert
      expect(error.$metadata.httpStatusCode).toBe(413);
      expect(error.name).toBe('RequestEntityTooLarge');
      expect(iam.askedFor(writer)).toEqual([]);
      expect(
        (await admin.send(new GetCommand({ TableName: 'vault', Key: { pk: 'big', sk: 'x' } }))).Item,
      ).toBe(undefined);
    } finally {
      client.destroy();
      await small.stop();
    }
  });

  // Last: it stops the DynamoDB Local the other tests use.
  it('answers a retryable 503 that the functions map to ServiceUnavailableError when DynamoDB Local is down', async () => {
    // Arrange
    const reader = iam.role('reader', allow('dynamodb:GetItem', `${ARN}/vault`));
    await ddb.stop();
    const client = clientAs(proxy, reader, 2);

    try {
      // Act
      const error = await rejectionOf(
        client.send(new GetItemCommand({ TableName: 'vault', Key: { pk: { S: 'a' }, sk: { S: 'b' } } })),
      );

      // Assert
      expect(error.name).toBe('ServiceUnavailable');
      expect(error.$fault).toBe('server');
      expect(error.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 2 });
      expect(classifyDependencyError(error)).toBeInstanceOf(ServiceUnavailableError);
    } finally {
      client.destroy();
    }
  });
});
