import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = resolve(__dirname, '../../../..');

function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='])
    .toString()
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent === p) {
        out.push(child as number);
        walk(child as number);
      }
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startVault(dir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/local/src/bin/start.ts', '--in-memory', '--port', '0', '--data-dir', dir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setInterval(() => {
      const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolvePromise(match[1] as string);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`start exited ${code}: ${out}`));
    });
  });
  return { child, url, output: () => out };
}

describe('Script: pnpm start (packages/local/src/bin/start.ts)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints one ready line, serves health, and on %s leaves no process behind',
    async (signal) => {
      // Arrange
      const dir = mkdtempSync(join(tmpdir(), 'kmsvault-start-'));
      const { child, url, output } = await startVault(dir);
      const tree = descendants(child.pid as number);

      // Act
      const health = await fetch(`${url}/v1/health`);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      const code = await exited;
      for (let i = 0; i < 50 && tree.some(alive); i++) await sleep(100);

      // Assert
      expect(health.status).toBe(200);
      expect(output().match(/ready at/g)).toHaveLength(1);
      expect(tree.length).toBeGreaterThanOrEqual(2); // the watchdog shell and its JVM
      expect(code).toBe(0);
      expect(tree.filter(alive)).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    },
  );

  it('rejects a bad port with one clear line and exit code 1', () => {
    let failure: { status: number; stderr: Buffer } | undefined;
    try {
      execFileSync(
        process.execPath,
        ['--import', 'tsx', 'packages/local/src/bin/start.ts', '--port', 'eighty'],
        { cwd: root, stdio: 'pipe' },
      );
    } catch (err) {
      failure = err as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr.toString().trim()).toBe(
      "kmsvault: --port must be a whole number from 0 to 65535, got 'eighty'",
    );
  });
});
