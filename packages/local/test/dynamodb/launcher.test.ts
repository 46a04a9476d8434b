import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
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

/** Every address of this machine that is not loopback (link-local IPv6 with its zone). */
function nonLoopbackAddresses(): string[] {
  return Object.entries(networkInterfaces()).flatMap(([name, infos]) =>
    (infos ?? [])
      .filter((info) => !info.internal)
      .map((info) => (info.family === 'IPv6' && info.scopeid ? `${info.address}%${name}` : info.address)),
  );
}

/** What a TCP connection to `host:port` gets: 'connected' or the error code. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Reads a kernel address from /proc/net/tcp{,6}: 32-bit words in host (little-endian) order. */
function procAddress(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const v4mapped = bytes.subarray(0, 12).equals(Buffer.from('00000000000000000000ffff', 'hex'));
  if (v4mapped) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/**
 * The local addresses that the kernel's listen table shows on `port` (Linux's
 * /proc/net/tcp and tcp6), or undefined where there is no such table.
 */
function listeningAddresses(port: number): string[] | undefined {
  const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter((file) => existsSync(file));
  if (tables.length === 0) return undefined;
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  return tables.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => state === '0A' && local?.endsWith(`:${portHex}`))
      .map(([, local]) => procAddress((local as string).split(':')[0] as string)),
  );
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

  it('is unreachable from the network: DynamoDB Local listened on every interface without authentication', async () => {
    // Arrange
    const addresses = nonLoopbackAddresses();
    const ddb = await DynamoDbLocal.start();

    try {
      // Act
      const outcomes = await Promise.all(
        addresses.map(async (address) => ({ address, outcome: await connectOutcome(address, ddb.port) })),
      );
      const listening = listeningAddresses(ddb.port);
      const loopback = await connectOutcome('127.0.0.1', ddb.port);

      // Assert
      if (addresses.length === 0 && listening === undefined) {
        throw new Error(
          'this machine has no non-loopback address and no /proc/net/tcp listen table: ' +
            'the test cannot show that DynamoDB Local is unreachable from the network',
        );
      }
      expect(outcomes).toEqual(addresses.map((address) => ({ address, outcome: 'ECONNREFUSED' })));
      if (listening !== undefined) {
        expect(listening.length).toBeGreaterThan(0);
        for (const address of listening)
          expect(address).toMatch(/^(127\.\d+\.\d+\.\d+|::ffff:127\.\d+\.\d+\.\d+|::1)$/);
      }
      expect(loopback).toBe('connected');
    } finally {
      await ddb.stop();
    }
  });

  it('says that it needs a JDK when Java has no compiler module, as a JRE has not', async () => {
    // Arrange: a separate Node process (Jest keeps its own copy of the environment) whose java
    // reads JDK_JAVA_OPTIONS; limiting the modules to java.base leaves out jdk.compiler, as a JRE does.
    const script = `
      const { DynamoDbLocal } = require(${JSON.stringify(join(__dirname, '../../src/dynamodb'))});
      DynamoDbLocal.start().then(
        (ddb) => ddb.stop().then(() => console.log('STARTED')),
        (err) => console.log('FAILED ' + err.message),
      );
    `;

    // Act
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, JDK_JAVA_OPTIONS: '--limit-modules java.base' },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    await new Promise((resolve) => child.once('exit', resolve));

    // Assert
    expect(out.trim()).toMatch(/^FAILED DynamoDB Local needs a JDK 17 or later.*\(jdk\.compiler\)/);
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
