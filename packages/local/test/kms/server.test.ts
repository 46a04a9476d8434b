import { EncryptCommand, GenerateRandomCommand } from '@aws-sdk/client-kms';
import { text, useKmsServer } from './fixture';

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('call statistics', () => {
    it('counts calls per operation and resets them', async () => {
      // Arrange
      const keyId = await fixture.createKey();
      await fetch(`${fixture.server.endpoint}/_stats/reset`, { method: 'POST' });

      // Act
      await fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      await fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') }));
      await fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('y') }));
      const stats = (await (await fetch(`${fixture.server.endpoint}/_stats`)).json()) as {
        calls: Record<string, number>;
        total: number;
      };
      await fetch(`${fixture.server.endpoint}/_stats/reset`, { method: 'POST' });
      const after = (await (await fetch(`${fixture.server.endpoint}/_stats`)).json()) as { total: number };

      // Assert
      expect(stats.calls).toEqual({ GenerateRandom: 1, Encrypt: 2 });
      expect(stats.total).toBe(3);
      expect(after.total).toBe(0);
    });
  });

  describe('protocol', () => {
    it('answers UnknownOperationException for an operation KMS does not have', async () => {
      const response = await fetch(fixture.server.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'TrentService.DoMagic', 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    });

    it('answers SerializationException for a body that is not JSON', async () => {
      const response = await fetch(fixture.server.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' },
        body: '{nope',
      });
      expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
    });
  });
});
