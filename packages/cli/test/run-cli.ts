import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

/** The built bundle, what `npm install -g` gives users (jest's global setup builds it). */
const BIN = resolve(__dirname, '../dist/kmsvault.js');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kmsvault ...args` as its own process against `apiUrl`, with `home` as its XDG config home. */
export function runCli(
  home: string,
  apiUrl: string,
  args: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: home, KMSVAULT_API_URL: apiUrl, ...env },
      cwd: tmpdir(),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
