import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontDistribution, TemplateApiGateway, TemplateGatewayServer } from '../../src/gateway';
import {
  AUTH_FN,
  AUTHORIZER_FN,
  distribution,
  echo,
  FunctionsInvoker,
  kmsvaultLikeAuthorizer,
  restApi,
  SECRETS_FN,
} from './template-fixtures';

describe('Class: TemplateGatewayServer', () => {
  let webDir: string;
  let server: TemplateGatewayServer;
  let bare: TemplateGatewayServer;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'kmsvault-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>vault</title>');
    const invoker = new FunctionsInvoker({
      [AUTH_FN]: echo,
      [SECRETS_FN]: echo,
      [AUTHORIZER_FN]: kmsvaultLikeAuthorizer,
    });
    const api = new TemplateApiGateway({
      api: restApi(),
      invoker,
      region: 'eu-west-1',
      accountId: '111122223333',
    });
    const cloudfront = new CloudFrontDistribution({
      distribution: distribution(),
      apis: [api],
      bucketDirs: { WebBucket12880F5B: webDir },
    });
    server = new TemplateGatewayServer({ apis: [api], distribution: cloudfront });
    bare = new TemplateGatewayServer({ apis: [api] });
    await server.start();
    await bare.start();
  });

  afterAll(async () => {
    await server.stop();
    await bare.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and routes /{stage}/ to the REST API with the caller address as sourceIp', async () => {
    // Act
    const response = await fetch(`${server.url}/v1/health`, { headers: { 'X-Trace': 'T-1' } });

    // Assert
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(response.status).toBe(200);
    const event = (await response.json()) as {
      path: string;
      headers: Record<string, string>;
      requestContext: { identity: { sourceIp: string } };
    };
    expect(event.path).toBe('/health');
    expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
    expect(event.headers['X-Trace']).toBe('T-1');
  });

  it('serves everything outside a stage through the distribution', async () => {
    // Act
    const page = await fetch(`${server.url}/`);
    const jwks = await fetch(`${server.url}/.well-known/jwks.json`);

    // Assert
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(jwks.status).toBe(200);
  });

  it('answers 403 Forbidden for a path outside every stage when the template has no distribution', async () => {
    // Act
    const response = await fetch(`${bare.url}/`);

    // Assert
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Forbidden' });
  });

  it('answers 413 for a body over 10 MB without reading it whole', async () => {
    // Act
    const response = await fetch(`${bare.url}/v1/health`, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 10, 'a'),
    });

    // Assert
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Too Long' });
  });
});
