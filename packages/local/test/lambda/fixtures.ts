import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FunctionLogLine, FunctionSpec, LogSink } from '../../src/lambda';

const dirs: string[] = [];

/** A function asset: `index.js` (CommonJS) with `code`, in a fresh temp dir. */
export function writeFunction(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-fn-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.js'), code);
  return dir;
}

/** A scratch directory for barriers and markers between the test and its handlers. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-barrier-'));
  dirs.push(dir);
  return dir;
}

export function removeFixtures(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function specFor(assetDir: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    logicalId: 'EchoFunction',
    functionName: 'kmsvault-dev-echo',
    assetDir,
    handler: 'index.handler',
    memorySize: 256,
    timeoutSeconds: 30,
    environment: { AWS_REGION: 'eu-west-1' },
    ...overrides,
  };
}

/** A sink that keeps every line. */
export function collectingSink(): { readonly sink: LogSink; readonly lines: FunctionLogLine[] } {
  const lines: FunctionLogLine[] = [];
  return { sink: (entry) => lines.push(entry), lines };
}

/** Waits until `condition` holds (polls; the jest timeout bounds it). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

/** Whether a process with this pid is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Handler source that waits until `file` exists, inside the worker. */
export const WAIT_FOR_FILE = `
const waitFor = (file) => new Promise((resolve) => {
  const check = () => (require('node:fs').existsSync(file) ? resolve() : setTimeout(check, 10));
  check();
});
`;
