import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../../src/clients';
import { DynamoDbLocal } from '../../src/dynamodb';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function javaChildrenOf(pid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,comm=']).toString();
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === pid && comm === 'java')
    .map(([p]) => Number(p));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(100);
  }
  return condition();
}

describe('Class: DynamoDbLocal', () => {
  it('starts in memory on a free port, answers, and leaves no java process when stopped', async () => {
    // Arrange
    const ddb = await DynamoDbLocal.start();
    const client = localDynamoDbClient(ddb.endpoint);
    const java = javaChildrenOf(ddb.pid as number);

    // Act
    const tables = await client.send(new ListTablesCommand({}));
    client.destroy();
    await ddb.stop();

    // Assert
    expect(ddb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(tables.TableNames).toEqual([]);
    expect(java).toHaveLength(1);
    expect(await waitFor(() => !isAlive(java[0] as number), 10_000)).toBe(true);
  });

  it('keeps data on disk across restarts when given a data directory', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-ddb-'));
    const first = await DynamoDbLocal.start({ dataDir: dir });
    const c1 = localDynamoDbClient(first.endpoint);
    await c1.send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await c1.send(new PutItemCommand({ TableName: 'kept', Item: { pk: { S: 'a' }, v: { N: '1' } } }));
    c1.destroy();
    await first.stop();

    // Act
    const second = await DynamoDbLocal.start({ dataDir: dir });
    const c2 = localDynamoDbClient(second.endpoint);
    const item = await c2.send(new GetItemCommand({ TableName: 'kept', Key: { pk: { S: 'a' } } }));
    c2.destroy();
    await second.stop();

    // Assert
    expect(item.Item).toEqual({ pk: { S: 'a' }, v: { N: '1' } });
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops its JVM when the Node process that started it is killed with SIGKILL', async () => {
    // Arrange: a separate Node process starts DynamoDB Local and prints the JVM's pid.
    const script = `
      const { DynamoDbLocal } = require(${JSON.stringify(join(__dirname, '../../src/dynamodb'))});
      const { execFileSync } = require('node:child_process');
      DynamoDbLocal.start().then((ddb) => {
        const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,comm=']).toString().split('\\n')
          .map((l) => l.trim().split(/\\s+/)).find(([, ppid, comm]) => Number(ppid) === ddb.pid && comm === 'java');
        console.log('JAVA ' + ps[0]);
      });
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const javaPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /JAVA (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited ${code}: ${out}`)));
    });
    expect(isAlive(javaPid)).toBe(true);

    // Act
    parent.kill('SIGKILL');

    // Assert
    expect(await waitFor(() => !isAlive(javaPid), 15_000)).toBe(true);
  });
});
