import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../src/stack';

describe('Function: startLocalStack', () => {
  it('serves /v1/health only after checking DynamoDB and KMS, and names the part that fails', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-stack-'));
    const stack = await startLocalStack({ inMemory: true, dataDir: dir });
    const health = async () => {
      const response = await fetch(`${stack.info.apiUrl}/v1/health`);
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        retry: response.headers.get('retry-after'),
        body: await response.json(),
      };
    };

    try {
      // Act
      const healthy = await health();
      await fetch(`${stack.info.kmsEndpoint}/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operations: ['DescribeKey'], mode: 'unavailable' }),
      });
      const kmsDown = await health();
      await fetch(`${stack.info.kmsEndpoint}/_faults`, { method: 'DELETE' });
      await stack.dynamoDbLocal.stop();
      const ddbDown = await health();

      // Assert
      expect(healthy).toEqual({
        status: 200,
        type: 'application/json',
        retry: null,
        body: { status: 'ok', dynamodb: 'ok', kms: 'ok' },
      });
      expect(kmsDown.status).toBe(503);
      expect(kmsDown.type).toBe('application/problem+json');
      expect(kmsDown.retry).not.toBeNull();
      expect(kmsDown.body).toMatchObject({ code: 'service_unavailable', kms: 'unavailable', dynamodb: 'ok' });
      expect(ddbDown.status).toBe(503);
      expect(ddbDown.body).toMatchObject({ dynamodb: 'unavailable', kms: 'ok' });
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes local.json, and a second start on the same data directory finds its keys and tables again', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-stack-'));
    const first = await startLocalStack({ dataDir: dir });
    const firstJson = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8'));
    await first.stop();

    // Act
    const second = await startLocalStack({ dataDir: dir });
    const secondJson = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8'));
    const health = await fetch(`${second.info.apiUrl}/v1/health`);
    await second.stop();

    // Assert
    expect(firstJson).toEqual({
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      region: 'us-east-1',
      dynamodbEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      kmsEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      tables: { vault: 'kmsvault-vault', idempotency: 'kmsvault-idempotency' },
      keys: {
        vault: expect.any(String),
        password: expect.any(String),
        passwordHmac: expect.any(String),
        signing: expect.any(String),
      },
    });
    expect(secondJson.keys).toEqual(firstJson.keys);
    expect(health.status).toBe(200);
    expect(statSync(join(dir, 'kms.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'local.json')).mode & 0o777).toBe(0o600);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the web vault at / with a strict Content-Security-Policy', async () => {
    const stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-stack-')),
    });
    try {
      const response = await fetch(`${stack.info.apiUrl}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<script type="module" src="/app.js"></script>');
      expect((await fetch(`${stack.info.apiUrl}/app.js`)).headers.get('content-type')).toBe(
        'text/javascript; charset=utf-8',
      );
    } finally {
      await stack.stop();
    }
  });
});
