import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../stack';
import { captureStdout } from './capture';

/** Cheap scrypt parameters for suites that sign up many users. */
export const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } as const;

export interface TestStack {
  readonly stack: LocalStack;
  /** Everything written to stdout and stderr since the stack started (the functions' logs included). */
  readonly logs: ReturnType<typeof captureStdout>;
  /** Stops the stack, then stops capturing. */
  stop(): Promise<void>;
}

/**
 * A suite's local stack: the synthesized template (the dev stack unless
 * `options.assembly` names another), in memory, in a fresh temporary
 * directory, with the fast scrypt cost unless `config` says otherwise, its
 * logs (the function workers' too) captured so the suite can prove what
 * they never contain.
 */
export async function startTestStack(
  name: string,
  config: LocalStackOptions['config'] = {},
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN',
  options: Omit<LocalStackOptions, 'config' | 'logLevel' | 'inMemory' | 'dataDir'> = {},
): Promise<TestStack> {
  const logs = captureStdout();
  try {
    const stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), `kmsvault-${name}-`)),
      config: { scrypt: FAST_SCRYPT, ...config },
      logLevel,
      ...options,
    });
    return {
      stack,
      logs,
      stop: async () => {
        await stack.stop();
        logs.restore();
      },
    };
  } catch (err) {
    logs.restore();
    throw err;
  }
}
