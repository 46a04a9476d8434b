import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { localKmsClient } from '../../src/clients';
import { FileStateStore, KmsEmulatorServer } from '../../src/kms';
import { text } from './fixture';

describe('Class: FileStateStore', () => {
  it('keeps keys in a 0600 file that a restarted emulator decrypts with', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-kms-'));
    const file = join(dir, 'kms.json');
    const first = new KmsEmulatorServer({ store: new FileStateStore(file) });
    await first.start();
    const kms1 = localKmsClient(first.endpoint, { maxAttempts: 1 });
    const { KeyMetadata } = await kms1.send(new CreateKeyCommand({}));
    const sealed = await kms1.send(
      new EncryptCommand({ KeyId: KeyMetadata?.KeyId, Plaintext: text('persisted') }),
    );
    kms1.destroy();
    await first.stop();

    // Act
    const second = new KmsEmulatorServer({ store: new FileStateStore(file) });
    await second.start();
    const kms2 = localKmsClient(second.endpoint, { maxAttempts: 1 });
    const opened = await kms2.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    kms2.destroy();
    await second.stop();

    // Assert
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('persisted');
    rmSync(dir, { recursive: true, force: true });
  });
});
