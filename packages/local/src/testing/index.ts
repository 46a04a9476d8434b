import type { KMSClient } from '@aws-sdk/client-kms';
import { localKmsClient } from '../clients';
import { KmsEmulatorServer } from '../kms';

export interface KmsHarness {
  readonly server: KmsEmulatorServer;
  readonly kms: KMSClient;
  readonly endpoint: string;
  /** Calls per operation since the last reset, read from the emulator's `GET /_stats`. */
  stats(): Promise<Record<string, number>>;
  /** `POST /_stats/reset`. */
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/** An in-memory KMS emulator on a free port and an SDK client pointed at it, for tests. */
export async function startKmsHarness(): Promise<KmsHarness> {
  const server = new KmsEmulatorServer();
  const endpoint = await server.start();
  const kms = localKmsClient(endpoint, { maxAttempts: 1 });
  return {
    server,
    kms,
    endpoint,
    stats: () => kmsStats(endpoint),
    resetStats: () => resetKmsStats(endpoint),
    stop: async () => {
      kms.destroy();
      await server.stop();
    },
  };
}

export { call, type TestRequest, type TestResponse } from './http';

/** Calls per operation since the last reset, from a KMS emulator endpoint's `GET /_stats`. */
export async function kmsStats(endpoint: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${endpoint}/_stats`)).json()) as { calls: Record<string, number> }).calls;
}

export async function resetKmsStats(endpoint: string): Promise<void> {
  await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
}
export { OpenApiRecorder } from './openapi';

/**
 * Captures everything written to stdout and stderr (Powertools Logger writes
 * INFO and DEBUG to stdout, WARN and ERROR to stderr) until `restore()`, so a
 * suite can prove what its logs never contain.
 */
export function captureStdout(): { text(): string; restore(): void } {
  const chunks: string[] = [];
  const originals = {
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
  };
  const capture = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
