import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontDistribution, patternMatches, TemplateApiGateway } from '../../src/gateway';
import {
  AUTH_FN,
  AUTHORIZER_FN,
  distribution,
  echo,
  FunctionsInvoker,
  kmsvaultLikeAuthorizer,
  request,
  restApi,
  SECRETS_FN,
} from './template-fixtures';

describe('Class: CloudFrontDistribution', () => {
  let webDir: string;
  let invoker: FunctionsInvoker;
  let cloudfront: CloudFrontDistribution;

  beforeAll(() => {
    webDir = mkdtempSync(join(tmpdir(), 'kmsvault-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>vault</title>');
    writeFileSync(join(webDir, 'app.js'), 'console.log(1)');
  });

  afterAll(() => rmSync(webDir, { recursive: true, force: true }));

  beforeEach(() => {
    invoker = new FunctionsInvoker({
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
    cloudfront = new CloudFrontDistribution({
      distribution: distribution(),
      apis: [api],
      bucketDirs: { WebBucket12880F5B: webDir },
    });
  });

  it('serves the default root object for / with the response headers policy', async () => {
    // Act
    const response = await cloudfront.handle(request('GET', '/'));

    // Assert
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('<title>vault</title>');
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
      'x-frame-options': 'DENY',
    });
  });

  it('serves bucket objects by key and answers 403 AccessDenied for a missing one, as S3 behind OAC', async () => {
    // Act
    const script = await cloudfront.handle(request('GET', '/app.js'));
    const missing = await cloudfront.handle(request('GET', '/settings'));
    const traversal = await cloudfront.handle(request('GET', '/%2e%2e/%2e%2e/etc/passwd'));

    // Assert
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(missing.status).toBe(403);
    expect(missing.body.toString()).toContain('<Code>AccessDenied</Code>');
    expect(missing.headers['x-frame-options']).toBe('DENY');
    expect(traversal.status).toBe(403);
  });

  it('sends /v1/* with originPath "" to stage v1 and the path after it', async () => {
    // Act
    const response = await cloudfront.handle(
      request('GET', '/v1/secrets/abc', { Authorization: 'Bearer good' }),
    );

    // Assert
    expect(response.status).toBe(200);
    const event = JSON.parse(response.body.toString());
    expect(event).toMatchObject({ resource: '/secrets/{id}', path: '/secrets/abc' });
    expect(event.requestContext).toMatchObject({
      path: '/v1/secrets/abc',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    });
  });

  it('prefixes the originPath: /.well-known/jwks.json with originPath /v1 reaches stage v1', async () => {
    // Act
    const response = await cloudfront.handle(request('GET', '/.well-known/jwks.json'));

    // Assert
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toMatchObject({
      resource: '/.well-known/jwks.json',
      requestContext: { path: '/v1/.well-known/jwks.json' },
    });
  });

  it('answers execute-api 403 Forbidden when the behaviour forwards to a stage that does not exist', async () => {
    // Arrange: originPath '' sends /.well-known/... to a stage named ".well-known".
    const api = new TemplateApiGateway({
      api: restApi(),
      invoker,
      region: 'eu-west-1',
      accountId: '111122223333',
    });
    const noPrefix = new CloudFrontDistribution({ distribution: distribution(''), apis: [api] });

    // Act
    const response = await noPrefix.handle(request('GET', '/.well-known/jwks.json'));

    // Assert
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Forbidden' });
    expect(noPrefix.divergences).toEqual([
      '*: bucket WebBucket12880F5B has no local directory (every object is 403)',
    ]);
  });

  it('answers 403 for a method the behaviour does not allow', async () => {
    // Act
    const response = await cloudfront.handle(request('POST', '/index.html', {}, 'x'));

    // Assert
    expect(response.status).toBe(403);
    expect(response.body.toString()).toContain('not configured to allow the HTTP request method');
  });
});

describe('Function: patternMatches', () => {
  it.each([
    ['/v1/*', '/v1/secrets', true],
    ['/v1/*', '/v1', false],
    ['/v1/*', '/V1/secrets', false],
    ['*', '/anything/at/all', true],
    ['/img/?.png', '/img/a.png', true],
    ['/img/?.png', '/img/ab.png', false],
  ])('matches %s against %s: %s', (pattern, path, expected) => {
    expect(patternMatches(pattern, path)).toBe(expected);
  });
});
