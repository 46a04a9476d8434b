import {
  CreateKeyCommand,
  type CreateKeyCommandInput,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { localKmsClient } from '../../src/clients';
import { KmsEmulatorServer } from '../../src/kms';

/** The running emulator and a real `@aws-sdk/client-kms` client pointed at it. */
export interface KmsFixture {
  readonly server: KmsEmulatorServer;
  readonly kms: KMSClient;
  /** Creates a key and returns its id. */
  createKey(
    spec?: KeySpec,
    usage?: KeyUsageType,
    extra?: Omit<CreateKeyCommandInput, 'KeySpec' | 'KeyUsage'>,
  ): Promise<string>;
}

/**
 * Starts a `KmsEmulatorServer` before the enclosing `describe`'s tests and
 * stops it after them. The fields are filled in by `beforeAll`.
 */
export function useKmsServer(): KmsFixture {
  const fixture = {} as { server: KmsEmulatorServer; kms: KMSClient } & KmsFixture;
  beforeAll(async () => {
    fixture.server = new KmsEmulatorServer();
    await fixture.server.start();
    fixture.kms = localKmsClient(fixture.server.endpoint, { maxAttempts: 1 });
  });
  afterAll(async () => {
    fixture.kms.destroy();
    await fixture.server.stop();
  });
  fixture.createKey = async (spec = 'SYMMETRIC_DEFAULT', usage = 'ENCRYPT_DECRYPT', extra = {}) => {
    const { KeyMetadata } = await fixture.kms.send(
      new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage, Description: `${spec} test key`, ...extra }),
    );
    return KeyMetadata?.KeyId as string;
  };
  return fixture;
}

export const text = (s: string): Buffer => Buffer.from(s, 'utf8');
