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
      const response = await fetch(`${stack.info.apiUrl}/health`);
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

  it('writes local.json (stage URL, template, per-function role and credentials), and a second start on the same data directory finds its keys and tables again', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-stack-'));
    const first = await startLocalStack({ dataDir: dir });
    const firstJson = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8'));
    await first.stop();

    // Act
    const second = await startLocalStack({ dataDir: dir });
    const secondJson = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8'));
    const health = await fetch(`${second.info.apiUrl}/health`);
    await second.stop();

    // Assert
    const endpoint = expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/);
    const credentials = {
      accessKeyId: expect.stringMatching(/^LOCAL[A-Z2-7]{16}$/),
      secretAccessKey: expect.any(String),
    };
    expect(firstJson).toEqual({
      apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/),
      apiUrlKind: 'stage',
      webUrl: endpoint,
      stackName: 'Kmsvault-dev',
      account: '111111111111',
      region: 'eu-west-1',
      template: {
        file: expect.stringMatching(/Kmsvault-dev\.template\.json$/),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        assembly: expect.any(String),
      },
      dynamodbEndpoint: endpoint,
      dynamodbLocalEndpoint: endpoint,
      kmsEndpoint: endpoint,
      tables: {
        vault: expect.stringMatching(/^Kmsvault-dev-VaultTable/),
        idempotency: expect.stringMatching(/^Kmsvault-dev-VaultIdempotencyTable/),
      },
      keys: {
        vault: expect.stringMatching(/^arn:aws:kms:eu-west-1:111111111111:key\//),
        password: expect.stringMatching(/^arn:aws:kms:eu-west-1:111111111111:key\//),
        signing: expect.stringMatching(/^arn:aws:kms:eu-west-1:111111111111:key\//),
      },
      functions: Object.fromEntries(
        ['auth', 'secrets', 'authorizer'].map((name) => [
          name,
          {
            logicalId: expect.any(String),
            roleArn: expect.stringMatching(/^arn:aws:iam::111111111111:role\/Kmsvault-dev-/),
            credentials,
          },
        ]),
      ),
      deployer: {
        roleArn: 'arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1',
        credentials,
      },
      notRun: expect.arrayContaining([expect.objectContaining({ type: 'AWS::Logs::LogGroup' })]),
    });
    expect(secondJson.keys).toEqual(firstJson.keys);
    expect(health.status).toBe(200);
    expect(statSync(join(dir, 'kms.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'local.json')).mode & 0o777).toBe(0o600);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the web vault at the root, as the template CloudFront distribution does, with its Content-Security-Policy', async () => {
    const stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-stack-')),
    });
    try {
      const response = await fetch(`${stack.info.webUrl}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<script type="module" src="/app.js"></script>');
      expect((await fetch(`${stack.info.webUrl}/app.js`)).headers.get('content-type')).toBe(
        'text/javascript; charset=utf-8',
      );
    } finally {
      await stack.stop();
    }
  });
});
