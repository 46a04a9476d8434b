import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this was left by a process that died holding it. */
const STALE_MS = 30_000;
const POLL_MS = 25;

/**
 * Runs `work` while holding `<path>.lock`, so that kmsvault processes started
 * together take turns (one refreshes the session, the others then read the
 * tokens it stored). The lock file holds the owner's pid; a lock whose owner
 * is gone, or that is older than 30 s, is taken over.
 */
export async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(lock)) rmSync(lock, { force: true });
      else await sleep(POLL_MS);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_MS) return true;
    const pid = Number(readFileSync(lock, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false; // being written: not stale yet
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // ENOENT: released meanwhile (the next open decides); ESRCH: its owner is gone.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
