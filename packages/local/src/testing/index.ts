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

export { captureStdout } from './capture';
export { OpenApiRecorder } from './openapi';
export { FAST_SCRYPT, startTestStack, type TestStack } from './stack';
