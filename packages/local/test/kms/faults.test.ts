import { EncryptCommand, GenerateRandomCommand, KMSInternalException } from '@aws-sdk/client-kms';
import { localKmsClient } from '../../src/clients';
import { KmsError } from '../../src/kms';
import { FaultInjector, FaultSpecError } from '../../src/kms/faults';
import { text, useKmsServer } from './fixture';

describe('Class: FaultInjector', () => {
  it('throws ThrottlingException for matching operations only, for count calls', async () => {
    // Arrange
    const faults = new FaultInjector();
    faults.add({ operations: ['Decrypt'], mode: 'throttle', count: 2 });

    // Act
    const outcomes = await Promise.allSettled(
      ['Decrypt', 'Encrypt', 'Decrypt', 'Decrypt'].map((op) => faults.apply(op)),
    );

    // Assert
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as KmsError).type : 'ok'))).toEqual([
      'ThrottlingException',
      'ok',
      'ThrottlingException',
      'ok',
    ]);
    expect(faults.list()).toEqual([]);
  });

  it('throws KMSInternalException with status 503 while unavailable, until cleared', async () => {
    const faults = new FaultInjector();
    faults.add({ mode: 'unavailable' });
    const error = await faults.apply('GenerateRandom').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmsError);
    expect(error).toMatchObject({ type: 'KMSInternalException', status: 503 });
    faults.clear();
    await expect(faults.apply('GenerateRandom')).resolves.toBeUndefined();
  });

  it('applies the first matching fault and keeps an uncounted one until cleared', async () => {
    const faults = new FaultInjector();
    faults.add({ operations: ['Sign'], mode: 'latency', latencyMs: 0 });
    faults.add({ mode: 'throttle' });
    for (let i = 0; i < 3; i++) await expect(faults.apply('Sign')).resolves.toBeUndefined();
    await expect(faults.apply('Verify')).rejects.toMatchObject({ type: 'ThrottlingException' });
    expect(faults.list()).toEqual([
      { operations: ['Sign'], mode: 'latency', latencyMs: 0 },
      { mode: 'throttle', latencyMs: 200 },
    ]);
  });

  it.each([
    [{ mode: 'explode' }, /mode/],
    [{ mode: 'throttle', count: 0 }, /count/],
    [{ mode: 'latency', latencyMs: 60_001 }, /latencyMs/],
    [{ mode: 'throttle', operations: [] }, /operations/],
    [{ mode: 'throttle', extra: true }, /extra/],
    ['throttle', /object/],
  ])('throws FaultSpecError naming the problem for %j', (spec, problem) => {
    const faults = new FaultInjector();
    expect(() => faults.add(spec)).toThrow(FaultSpecError);
    expect(() => faults.add(spec)).toThrow(problem);
    expect(faults.list()).toEqual([]);
  });
});

describe('Class: KmsEmulatorServer', () => {
  const fixture = useKmsServer();

  describe('/_faults', () => {
    const fault = (body: unknown) =>
      fetch(`${fixture.server.endpoint}/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    afterEach(async () => {
      await fetch(`${fixture.server.endpoint}/_faults`, { method: 'DELETE' });
    });

    it('throttles matching operations only, for count calls', async () => {
      // Arrange
      const keyId = await fixture.createKey();
      expect((await fault({ operations: ['Encrypt'], mode: 'throttle', count: 2 })).status).toBe(201);

      // Act + Assert
      for (let i = 0; i < 2; i++) {
        await expect(
          fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
        ).rejects.toMatchObject({
          name: 'ThrottlingException',
        });
      }
      await expect(fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).resolves.toBeDefined();
      await expect(
        fixture.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: text('x') })),
      ).resolves.toBeDefined();
    });

    it('answers 503 KMSInternalException while unavailable, until the faults are cleared', async () => {
      await fault({ mode: 'unavailable' });
      const error = await fixture.kms
        .send(new GenerateRandomCommand({ NumberOfBytes: 8 }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KMSInternalException);
      expect((error as KMSInternalException).$metadata.httpStatusCode).toBe(503);
      await fetch(`${fixture.server.endpoint}/_faults`, { method: 'DELETE' });
      await expect(fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).resolves.toBeDefined();
    });

    it('lets the SDK retry through a fault shorter than its attempts', async () => {
      // Arrange
      const retrying = localKmsClient(fixture.server.endpoint, { maxAttempts: 3 });
      await fetch(`${fixture.server.endpoint}/_stats/reset`, { method: 'POST' });
      await fault({ operations: ['GenerateRandom'], mode: 'throttle', count: 2 });

      // Act
      const result = await retrying.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      const stats = (await (await fetch(`${fixture.server.endpoint}/_stats`)).json()) as {
        calls: Record<string, number>;
      };
      retrying.destroy();

      // Assert
      expect(result.Plaintext).toHaveLength(8);
      expect(stats.calls.GenerateRandom).toBe(3);
    });

    it('delays matching calls by latencyMs', async () => {
      await fault({ operations: ['GenerateRandom'], mode: 'latency', latencyMs: 300, count: 1 });
      const started = process.hrtime.bigint();
      await fixture.kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(elapsedMs).toBeGreaterThanOrEqual(299);
    });

    it('rejects a malformed fault with 400 naming the problem', async () => {
      const response = await fault({ mode: 'explode' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/mode/);
    });
  });
});
