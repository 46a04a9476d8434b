import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FunctionPool, type FunctionPoolOptions, type FunctionSpec } from '../../src/lambda';
import {
  collectingSink,
  fileExists,
  isAlive,
  removeFixtures,
  scratchDir,
  specFor,
  until,
  WAIT_FOR_FILE,
  writeFunction,
} from './fixtures';

const pools: FunctionPool[] = [];

function poolOf(code: string, spec: Partial<FunctionSpec> = {}, options: FunctionPoolOptions = {}) {
  const logs = collectingSink();
  const pool = new FunctionPool(specFor(writeFunction(code), spec), { sink: logs.sink, ...options });
  pools.push(pool);
  return { pool, lines: logs.lines };
}

function pidOf(result: unknown): number {
  expect(result).toMatchObject({ ok: true, payload: expect.any(Number) });
  return (result as { payload: number }).payload;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
  removeFixtures();
});

describe('Class: FunctionPool', () => {
  it('reuses a warm worker for the next invocation', async () => {
    const { pool } = poolOf('exports.handler = async () => process.pid;');

    const first = pidOf(await pool.invoke({}));
    const second = pidOf(await pool.invoke({}));

    expect(second).toBe(first);
    expect(pool.stats()).toEqual({ workers: 1, idle: 1, queued: 0 });
  });

  it('ends a handler that never resolves with Timeout, and the next invocation gets a fresh worker', async () => {
    const { pool } = poolOf(
      'exports.handler = async (event) => (event.hang ? new Promise(() => {}) : process.pid);',
      { timeoutSeconds: 1 },
    );
    const before = pidOf(await pool.invoke({}));

    const timedOut = await pool.invoke({ hang: true });
    const after = pidOf(await pool.invoke({}));

    expect(timedOut).toEqual({
      ok: false,
      errorType: 'Timeout',
      errorName: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 1.00 seconds',
    });
    expect(after).not.toBe(before);
    expect(isAlive(before)).toBe(false);
  });

  it('answers Runtime when the handler exits the process, and the next invocation works', async () => {
    const { pool } = poolOf(
      'exports.handler = async (event) => (event.exit ? process.exit(3) : process.pid);',
    );
    const before = pidOf(await pool.invoke({}));

    const died = await pool.invoke({ exit: true });
    const after = pidOf(await pool.invoke({}));

    expect(died).toEqual({
      ok: false,
      errorType: 'Runtime',
      errorName: 'Runtime.ExitError',
      errorMessage: 'Runtime exited with error: exit status 3',
    });
    expect(after).not.toBe(before);
  });

  it('answers Runtime when the worker runs out of memory', async () => {
    const { pool } = poolOf(
      'const hoard = []; exports.handler = async () => { for (;;) hoard.push(new Array(1e6).fill(hoard.length)); };',
      { memorySize: 128 },
    );

    await expect(pool.invoke({})).resolves.toMatchObject({ ok: false, errorType: 'Runtime' });
  });

  it('runs two concurrent invocations in two workers', async () => {
    const barrier = scratchDir();
    const { pool } = poolOf(`
      exports.handler = async (event) => {
        require('node:fs').writeFileSync(require('node:path').join(event.dir, String(process.pid)), '');
        // Each waits until both have started: only two workers running at once get past this.
        await new Promise((resolve) => {
          const check = () => (require('node:fs').readdirSync(event.dir).length >= 2 ? resolve() : setTimeout(check, 10));
          check();
        });
        return process.pid;
      };
    `);

    const [a, b] = await Promise.all([pool.invoke({ dir: barrier }), pool.invoke({ dir: barrier })]);

    expect(pidOf(a)).not.toBe(pidOf(b));
    expect(pool.stats().workers).toBe(2);
  });

  it('queues invocations beyond maxWorkers until a worker is free', async () => {
    const dir = scratchDir();
    const { pool } = poolOf(
      `${WAIT_FOR_FILE}
      const fs = require('node:fs');
      const path = require('node:path');
      exports.handler = async (event) => {
        if (event.first) {
          await waitFor(path.join(event.dir, 'release'));
          fs.writeFileSync(path.join(event.dir, 'first-done'), '');
          return { pid: process.pid };
        }
        return { pid: process.pid, firstWasDone: fs.existsSync(path.join(event.dir, 'first-done')) };
      };`,
      {},
      { maxWorkers: 1 },
    );

    const first = pool.invoke({ first: true, dir });
    const second = pool.invoke({ dir });
    await until(() => pool.stats().queued === 1);
    expect(pool.stats().workers).toBe(1);
    writeFileSync(join(dir, 'release'), '');
    const [a, b] = await Promise.all([first, second]);

    expect(a).toEqual({ ok: true, payload: { pid: expect.any(Number) } });
    expect(b).toEqual({
      ok: true,
      payload: { pid: (a as { payload: { pid: number } }).payload.pid, firstWasDone: true },
    });
  });

  it('answers InitError on every invocation when the module throws at load, and logs why once', async () => {
    const { pool, lines } = poolOf("throw new TypeError('KEY_ALIAS is not set');", {
      environment: { AWS_REGION: 'eu-west-1', DB_PASSWORD: 'never-log-me' },
    });

    const first = await pool.invoke({});
    const second = await pool.invoke({});

    const initError = {
      ok: false,
      errorType: 'InitError',
      errorName: 'TypeError',
      errorMessage: 'KEY_ALIAS is not set',
    };
    expect(first).toEqual(initError);
    expect(second).toEqual(initError);
    expect(lines.filter((entry) => entry.stream === 'pool')).toEqual([
      {
        logicalId: 'EchoFunction',
        functionName: 'kmsvault-dev-echo',
        stream: 'pool',
        line: 'init failed: TypeError: KEY_ALIAS is not set',
      },
    ]);
    expect(lines.some((entry) => entry.line.includes('never-log-me'))).toBe(false);
  });

  it('answers InitError when the module does not load within initTimeoutMs', async () => {
    const { pool } = poolOf('for (;;) {}', {}, { initTimeoutMs: 500 });

    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'InitError',
      errorName: 'Sandbox.Timedout',
      errorMessage: 'Init timed out after 0.50 seconds',
    });
  });

  it('retries init on the next invocation after a failure', async () => {
    const dir = scratchDir();
    const flag = join(dir, 'fixed');
    const { pool } = poolOf(`
      if (!require('node:fs').existsSync(${JSON.stringify(flag)})) throw new Error('not yet');
      exports.handler = async () => 'up';
    `);

    const broken = await pool.invoke({});
    writeFileSync(flag, '');
    const fixed = await pool.invoke({});

    expect(broken).toMatchObject({ ok: false, errorType: 'InitError', errorMessage: 'not yet' });
    expect(fixed).toEqual({ ok: true, payload: 'up' });
  });

  it('forwards the function output line by line, tagged with the function', async () => {
    const { pool, lines } = poolOf(`
      exports.handler = async () => {
        process.stdout.write(JSON.stringify({ level: 'INFO', message: 'one' }) + '\\n' + 'two');
        process.stdout.write('\\n');
        console.error('three');
        return 1;
      };
    `);

    await pool.invoke({});
    await until(() => lines.length >= 3);

    const tag = { logicalId: 'EchoFunction', functionName: 'kmsvault-dev-echo' };
    expect(lines).toEqual(
      expect.arrayContaining([
        { ...tag, stream: 'stdout', line: '{"level":"INFO","message":"one"}' },
        { ...tag, stream: 'stdout', line: 'two' },
        { ...tag, stream: 'stderr', line: 'three' },
      ]),
    );
  });

  it('stops a worker that stays idle longer than idleTimeoutMs', async () => {
    const { pool } = poolOf('exports.handler = async () => process.pid;', {}, { idleTimeoutMs: 50 });
    const pid = pidOf(await pool.invoke({}));

    await until(() => pool.stats().workers === 0);

    expect(isAlive(pid)).toBe(false);
    expect(pidOf(await pool.invoke({}))).not.toBe(pid);
  });

  it('stop() kills every worker, busy or idle, and answers the invocation in flight', async () => {
    const dir = scratchDir();
    const { pool } = poolOf(`
      exports.handler = async (event) => {
        if (!event.hang) return process.pid;
        require('node:fs').writeFileSync(require('node:path').join(event.dir, 'pid'), String(process.pid));
        return new Promise(() => {});
      };
    `);
    const idlePid = pidOf(await pool.invoke({}));
    const hanging = pool.invoke({ hang: true, dir });
    await until(() => fileExists(join(dir, 'pid')));
    const busyPid = Number(readFileSync(join(dir, 'pid'), 'utf8'));

    await pool.stop();

    expect(isAlive(idlePid)).toBe(false);
    expect(isAlive(busyPid)).toBe(false);
    await expect(hanging).resolves.toMatchObject({ ok: false, errorType: 'Runtime' });
    await expect(pool.invoke({})).resolves.toEqual({
      ok: false,
      errorType: 'Runtime',
      errorMessage: 'the function pool is stopped',
    });
  });

  it('stop() kills a worker that ignores SIGTERM', async () => {
    const { pool } = poolOf(
      "process.on('SIGTERM', () => {}); exports.handler = async () => process.pid;",
      {},
      { stopGraceMs: 100 },
    );
    const pid = pidOf(await pool.invoke({}));

    await pool.stop();

    expect(isAlive(pid)).toBe(false);
  });

  it('throws when maxWorkers is not a positive integer', () => {
    expect(() => new FunctionPool(specFor('/nowhere'), { maxWorkers: 0 })).toThrow(
      'maxWorkers must be a positive integer, got 0',
    );
  });
});
