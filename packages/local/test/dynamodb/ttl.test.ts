import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../src/clients';
import { DynamoDbLocal, TtlSweeper } from '../../src/dynamodb';

const NOW_MS = 1_800_000_000_000;
const NOW = NOW_MS / 1000;

describe('Class: TtlSweeper', () => {
  let dynamodb: DynamoDbLocal;
  let client: DynamoDBClient;
  let tableCount = 0;

  beforeAll(async () => {
    dynamodb = await DynamoDbLocal.start({});
    client = localDynamoDbClient(dynamodb.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await dynamodb?.stop();
  });

  async function tableWithItems(ttlOn: boolean): Promise<string> {
    const tableName = `ttl-${++tableCount}`;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
      }),
    );
    if (ttlOn) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      );
    }
    const items = {
      expired: { expiresAt: { N: String(NOW - 60) } },
      expiredFraction: { expiresAt: { N: String(NOW - 0.5) } },
      future: { expiresAt: { N: String(NOW + 3600) } },
      noTtl: {},
      stringTtl: { expiresAt: { S: String(NOW - 60) } },
      ancient: { expiresAt: { N: String(NOW - 6 * 365 * 24 * 3600) } },
    };
    for (const [sk, extra] of Object.entries(items)) {
      await client.send(
        new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'p' }, sk: { S: sk }, ...extra } }),
      );
    }
    return tableName;
  }

  async function remaining(tableName: string): Promise<string[]> {
    const { Items } = await client.send(new ScanCommand({ TableName: tableName }));
    return (Items ?? []).map((i) => i.sk?.S as string).sort();
  }

  it('deletes items whose TTL is in the past and keeps the rest, as DynamoDB does', async () => {
    const tableName = await tableWithItems(true);
    const sweeper = new TtlSweeper({
      client,
      tables: [{ tableName, ttlAttribute: 'expiresAt' }],
      now: () => NOW_MS,
    });

    const deleted = await sweeper.sweep();

    expect(deleted).toBe(2);
    expect(await remaining(tableName)).toEqual(['ancient', 'future', 'noTtl', 'stringTtl']);
  });

  it('finds the tables whose TTL is enabled when given none', async () => {
    const swept = await tableWithItems(true);
    const untouched = await tableWithItems(false);
    const sweeper = new TtlSweeper({ client, now: () => NOW_MS });

    await sweeper.sweep();

    expect(await remaining(swept)).not.toContain('expired');
    expect(await remaining(untouched)).toContain('expired');
  });

  it('sweeps on its own once started, and stops', async () => {
    const tableName = await tableWithItems(true);
    const sweeper = new TtlSweeper({
      client,
      tables: [{ tableName, ttlAttribute: 'expiresAt' }],
      intervalMs: 50,
      now: () => NOW_MS,
    });

    sweeper.start();
    while ((await remaining(tableName)).includes('expired')) await sleep(50);
    await sweeper.stop();
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'p' }, sk: { S: 'afterStop' }, expiresAt: { N: String(NOW - 60) } },
      }),
    );
    await sleep(200);

    expect(await remaining(tableName)).toEqual(['afterStop', 'ancient', 'future', 'noTtl', 'stringTtl']);
  });
});
