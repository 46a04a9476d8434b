import { TemplateApiGateway } from '../../src/gateway';
import type { RestApiResource } from '../../src/template/types';
import {
  AUTH_FN,
  AUTHORIZER_FN,
  echo,
  FunctionsInvoker,
  kmsvaultLikeAuthorizer,
  request,
  restApi,
  SECRETS_FN,
  TEMPLATE_RESPONSES,
} from './template-fixtures';

function setup(
  functions: Record<string, (event: unknown) => Promise<unknown>> = {},
  api: RestApiResource = restApi(),
  integrationTimeoutMs?: number,
) {
  const invoker = new FunctionsInvoker(
    { [AUTH_FN]: echo, [SECRETS_FN]: echo, [AUTHORIZER_FN]: kmsvaultLikeAuthorizer, ...functions },
    300,
  );
  const gateway = new TemplateApiGateway({
    api,
    invoker,
    region: 'eu-west-1',
    accountId: '111122223333',
    ...(integrationTimeoutMs !== undefined ? { integrationTimeoutMs } : {}),
  });
  return { gateway, invoker };
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));
const never = () => new Promise<unknown>(() => {});

describe('Class: TemplateApiGateway', () => {
  describe('routing', () => {
    it('routes /{stage}/{path} to the method, with path parameters and the REST proxy event API Gateway builds', async () => {
      // Arrange
      const { gateway, invoker } = setup();

      // Act
      const response = await gateway.handle(
        request('GET', '/v1/secrets/abc%20d/versions/3?tag=a&tag=b', {
          Authorization: 'Bearer good',
          'User-Agent': 'kmsvault-cli/1.0',
          Host: '127.0.0.1:4000',
        }),
      );

      // Assert
      expect(response.status).toBe(200);
      const event = json(response.body);
      expect(event).toMatchObject({
        resource: '/secrets/{id}/versions/{version}',
        path: '/secrets/abc%20d/versions/3',
        httpMethod: 'GET',
        pathParameters: { id: 'abc d', version: '3' },
        queryStringParameters: { tag: 'b' },
        multiValueQueryStringParameters: { tag: ['a', 'b'] },
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
        requestContext: {
          accountId: '111122223333',
          apiId: 'a1b2c3d4e5',
          stage: 'v1',
          resourcePath: '/secrets/{id}/versions/{version}',
          path: '/v1/secrets/abc%20d/versions/3',
          protocol: 'HTTP/1.1',
          domainName: '127.0.0.1:4000',
          identity: { sourceIp: '203.0.113.7', userAgent: 'kmsvault-cli/1.0' },
        },
      });
      expect(event.headers).toMatchObject({ Authorization: 'Bearer good', 'X-Forwarded-For': '203.0.113.7' });
      expect(event.multiValueHeaders['User-Agent']).toEqual(['kmsvault-cli/1.0']);
      expect(event.requestContext.requestId).toBe(response.headers['x-amzn-requestid']);
      expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
      expect(event.requestContext.extendedRequestId).toHaveLength(16);
      expect(invoker.count(SECRETS_FN)).toBe(1);
    });

    it('passes a greedy {proxy+} the rest of the path', async () => {
      // Arrange
      const { gateway } = setup();

      // Act
      const response = await gateway.handle(request('PUT', '/v1/files/a/b/c.txt'));

      // Assert
      expect(json(response.body)).toMatchObject({
        resource: '/files/{proxy+}',
        pathParameters: { proxy: 'a/b/c.txt' },
      });
    });

    it.each([
      ['a path with no resource', 'GET', '/v1/nothing'],
      ['the stage twice, the defect of issue 14', 'GET', '/v1/v1/secrets'],
      ['a resource without that method', 'PATCH', '/v1/secrets/abc'],
      ['the stage root without a method', 'GET', '/v1'],
    ])('answers 403 Missing Authentication Token for %s', async (_case, method, url) => {
      // Arrange
      const { gateway, invoker } = setup();

      // Act
      const response = await gateway.handle(request(method, url, { Authorization: 'Bearer good' }));

      // Assert
      expect(response.status).toBe(403);
      expect(json(response.body)).toEqual({ message: 'Missing Authentication Token' });
      expect(invoker.calls).toHaveLength(0);
    });

    it('answers 403 Forbidden, without gateway responses, for a stage that does not exist', async () => {
      // Arrange
      const { gateway } = setup({}, restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

      // Act
      const response = await gateway.handle(request('GET', '/v2/health'));

      // Assert
      expect(response.status).toBe(403);
      expect(json(response.body)).toEqual({ message: 'Forbidden' });
    });

    it("renders an unknown path with the template's MISSING_AUTHENTICATION_TOKEN response", async () => {
      // Arrange
      const { gateway } = setup({}, restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

      // Act
      const response = await gateway.handle(request('GET', '/v1/v1/health'));

      // Assert
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(json(response.body)).toEqual({
        type: 'https://kmsvault.dev/problems/not_found',
        title: 'MISSING_AUTHENTICATION_TOKEN',
        status: 404,
        detail: 'Missing Authentication Token',
        code: 'not_found',
        instance: `urn:request:${response.headers['x-amzn-requestid']}`,
      });
    });

    it("falls back to DEFAULT_4XX for a 4xx type the template does not define, keeping the type's status", async () => {
      // Arrange
      const { gateway } = setup(
        {},
        restApi({
          gatewayResponses: [
            {
              responseType: 'DEFAULT_4XX',
              responseParameters: { 'gatewayresponse.header.X-Fallback': "'yes'" },
              responseTemplates: {
                'application/json':
                  '{"error":$context.error.messageString,"type":"$context.error.responseType"}',
              },
            },
          ],
        }),
      );

      // Act
      const response = await gateway.handle(request('GET', '/v1/nothing'));

      // Assert
      expect(response.status).toBe(403);
      expect(response.headers['x-fallback']).toBe('yes');
      expect(json(response.body)).toEqual({
        error: 'Missing Authentication Token',
        type: 'MISSING_AUTHENTICATION_TOKEN',
      });
    });

    it("lists the template's undocumented $context.error.statusCode as a divergence", () => {
      // Act
      const { gateway } = setup({}, restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

      // Assert
      expect(gateway.divergences).toEqual([
        "gateway response DEFAULT_5XX: $context.error.statusCode is not among AWS's documented variables; rendered locally as the status code",
      ]);
    });

    it("answers OPTIONS with the MOCK integration's status and literal headers", async () => {
      // Arrange
      const { gateway, invoker } = setup();

      // Act
      const response = await gateway.handle(request('OPTIONS', '/v1/secrets'));

      // Assert
      expect(response.status).toBe(204);
      expect(response.headers).toMatchObject({
        'access-control-allow-origin': 'https://vault.example.com',
        'access-control-allow-methods': 'OPTIONS,GET,POST',
      });
      expect(invoker.calls).toHaveLength(0);
    });
  });

  describe('Lambda proxy integration', () => {
    it("maps the function's statusCode, headers, multiValueHeaders and body back to HTTP", async () => {
      // Arrange
      const { gateway } = setup({
        [SECRETS_FN]: async () => ({
          statusCode: 201,
          headers: { ETag: '"v1"' },
          multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
          body: 'created',
        }),
      });

      // Act
      const response = await gateway.handle(request('GET', '/v1/health'));

      // Assert
      expect(response.status).toBe(201);
      expect(response.headers).toMatchObject({
        etag: '"v1"',
        'set-cookie': ['a=1', 'b=2'],
        'content-type': 'application/json',
      });
      expect(response.body.toString()).toBe('created');
    });

    it.each([
      ['throws', async () => Promise.reject(new Error('boom'))],
      ['answers a malformed result', async () => ({ status: 200, body: { not: 'a string' } })],
      ['outlives its own Lambda timeout', never],
    ])('answers 502 Internal server error when the function %s', async (_case, fn) => {
      // Arrange
      const { gateway } = setup({ [SECRETS_FN]: fn });

      // Act
      const response = await gateway.handle(request('GET', '/v1/health'));

      // Assert
      expect(response.status).toBe(502);
      expect(json(response.body)).toEqual({ message: 'Internal server error' });
    });

    it("renders a function error with the template's DEFAULT_5XX response and its status 502", async () => {
      // Arrange
      const { gateway } = setup(
        { [SECRETS_FN]: async () => Promise.reject(new Error('boom')) },
        restApi({ gatewayResponses: TEMPLATE_RESPONSES }),
      );

      // Act
      const response = await gateway.handle(request('GET', '/v1/health'));

      // Assert
      expect(response.status).toBe(502);
      expect(response.headers['retry-after']).toBe('1');
      expect(json(response.body)).toMatchObject({
        title: 'DEFAULT_5XX',
        status: 502,
        detail: 'Internal server error',
      });
    });

    it('answers 504 INTEGRATION_TIMEOUT when the gateway stops waiting before the function ends', async () => {
      // Arrange: the gateway's limit (API Gateway's 29 s, shortened) ends before the function's own timeout.
      const { gateway } = setup({ [SECRETS_FN]: never }, restApi(), 50);

      // Act
      const response = await gateway.handle(request('GET', '/v1/health'));

      // Assert
      expect(response.status).toBe(504);
      expect(json(response.body)).toEqual({ message: 'Endpoint request timed out' });
    });

    it('answers 413 REQUEST_TOO_LARGE for a body over 10 MB, without invoking', async () => {
      // Arrange
      const { gateway, invoker } = setup({}, restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

      // Act
      const response = await gateway.handle(
        request('GET', '/v1/health', {}, 'x'.repeat(10 * 1024 * 1024 + 1)),
      );

      // Assert
      expect(response.status).toBe(413);
      expect(json(response.body)).toMatchObject({ code: 'payload_too_large', detail: 'Request Too Long' });
      expect(invoker.calls).toHaveLength(0);
    });
  });
});
