import type { RouteDefinition } from '@kmsvault/core';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent } from 'aws-lambda';
import { ApiGatewayAdapter, type ProxyHandler, type TokenAuthorizer } from '../../src/gateway';

const routes: RouteDefinition[] = [
  {
    operationId: 'open',
    method: 'POST',
    path: '/v1/open/{name}',
    function: 'auth',
    auth: 'none',
    summary: 'public',
  },
  {
    operationId: 'closed',
    method: 'GET',
    path: '/v1/closed/{id}',
    function: 'secrets',
    auth: 'bearer',
    summary: 'private',
  },
];

function policy(
  effect: 'Allow' | 'Deny',
  resource: string,
  context?: Record<string, string>,
): APIGatewayAuthorizerResult {
  return {
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    ...(context ? { context } : {}),
  };
}

function setup(
  authorizer?: TokenAuthorizer,
  overrides: Partial<Record<'auth' | 'secrets', ProxyHandler>> = {},
  authorizerCacheTtlMs?: number,
) {
  const events: APIGatewayProxyEvent[] = [];
  const echo: ProxyHandler = async (event) => {
    events.push(event);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ok: true }),
    };
  };
  const adapter = new ApiGatewayAdapter({
    routes,
    functions: { auth: overrides.auth ?? echo, secrets: overrides.secrets ?? echo },
    ...(authorizer ? { authorizer } : {}),
    ...(authorizerCacheTtlMs !== undefined ? { authorizerCacheTtlMs } : {}),
    timeoutMs: 300,
  });
  return { adapter, events };
}

const request = (method: string, url: string, headers: Record<string, string> = {}, body = '') => ({
  method,
  url,
  headers,
  body: Buffer.from(body),
});

describe('Class: ApiGatewayAdapter', () => {
  it('builds a REST proxy event with resource, path and query parameters, headers and body', async () => {
    // Arrange
    const { adapter, events } = setup();

    // Act
    const response = await adapter.handle(
      request(
        'POST',
        '/v1/open/a%2Fb?x=1&x=2&y=3',
        { 'content-type': 'application/json', 'x-Custom': 'v' },
        '{"k":1}',
      ),
    );

    // Assert
    expect(response.status).toBe(200);
    const event = events[0] as APIGatewayProxyEvent;
    expect(event).toMatchObject({
      resource: '/open/{name}',
      path: '/open/a%2Fb',
      httpMethod: 'POST',
      pathParameters: { name: 'a/b' },
      queryStringParameters: { x: '2', y: '3' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
      body: '{"k":1}',
      isBase64Encoded: false,
      requestContext: {
        stage: 'v1',
        path: '/v1/open/a%2Fb',
        resourcePath: '/open/{name}',
        httpMethod: 'POST',
        authorizer: null,
      },
    });
    expect(event.headers['x-custom']).toBe('v');
  });

  it('passes a binary body base64-encoded', async () => {
    const { adapter, events } = setup();
    await adapter.handle({
      ...request('POST', '/v1/open/x', { 'content-type': 'application/octet-stream' }),
      body: Buffer.from([0, 255, 1]),
    });
    expect(events[0]).toMatchObject({
      body: Buffer.from([0, 255, 1]).toString('base64'),
      isBase64Encoded: true,
    });
  });

  it('answers 401 without calling the authorizer when a protected route has no Authorization header', async () => {
    // Arrange
    const authorizer = jest.fn<ReturnType<TokenAuthorizer>, Parameters<TokenAuthorizer>>();
    const { adapter, events } = setup(authorizer);

    // Act
    const response = await adapter.handle(request('GET', '/v1/closed/1'));

    // Assert
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body.toString())).toMatchObject({ code: 'unauthorized' });
    expect(authorizer).not.toHaveBeenCalled();
    expect(events).toHaveLength(0);
  });

  it('answers 401 when the authorizer fails with Unauthorized, and 503 with Retry-After for any other authorizer failure', async () => {
    const unauthorized = setup(async () => {
      throw new Error('Unauthorized');
    });
    const broken = setup(async () => {
      throw new Error('boom');
    });
    expect(
      (await unauthorized.adapter.handle(request('GET', '/v1/closed/1', { authorization: 'Bearer x' })))
        .status,
    ).toBe(401);
    const failed = await broken.adapter.handle(request('GET', '/v1/closed/1', { authorization: 'Bearer x' }));
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('1');
    expect(unauthorized.events).toHaveLength(0);
    expect(broken.events).toHaveLength(0);
  });

  it('answers 403 when the policy denies or does not cover the method ARN', async () => {
    const deny = setup(async ({ methodArn }) => policy('Deny', methodArn));
    const elsewhere = setup(async () =>
      policy('Allow', 'arn:aws:execute-api:us-east-1:111122223333:other/*'),
    );
    expect(
      (await deny.adapter.handle(request('GET', '/v1/closed/1', { authorization: 'Bearer x' }))).status,
    ).toBe(403);
    expect(
      (await elsewhere.adapter.handle(request('GET', '/v1/closed/1', { authorization: 'Bearer x' }))).status,
    ).toBe(403);
  });

  it('runs the authorizer with the token and method ARN, and hands its context to the handler', async () => {
    // Arrange
    const seen: { token?: string; arn?: string } = {};
    const { adapter, events } = setup(async ({ authorizationToken, methodArn }) => {
      seen.token = authorizationToken;
      seen.arn = methodArn;
      return policy('Allow', 'arn:aws:execute-api:us-east-1:111122223333:kmsvaultlocal/v1/*', {
        userId: 'u-42',
      });
    });

    // Act
    const response = await adapter.handle(request('GET', '/v1/closed/7', { authorization: 'Bearer tok' }));

    // Assert
    expect(response.status).toBe(200);
    expect(seen).toEqual({
      token: 'Bearer tok',
      arn: 'arn:aws:execute-api:us-east-1:111122223333:kmsvaultlocal/v1/GET/closed/7',
    });
    expect(events[0]?.requestContext.authorizer).toEqual({ principalId: 'user-1', userId: 'u-42' });
  });

  it('answers 404 and 405 as problem+json', async () => {
    const { adapter } = setup();
    const notFound = await adapter.handle(request('GET', '/v1/none'));
    const wrongMethod = await adapter.handle(request('GET', '/v1/open/x'));
    expect(notFound.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(JSON.parse(wrongMethod.body.toString())).toMatchObject({ code: 'method_not_allowed' });
  });

  it('answers 502 when the function throws or returns a malformed result, 504 when it is too slow', async () => {
    const throwing = setup(undefined, {
      auth: async () => {
        throw new Error('secret detail');
      },
    });
    const malformed = setup(undefined, { auth: async () => 'nope' });
    const slow = setup(undefined, {
      auth: () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 2_000)),
    });
    const thrown = await throwing.adapter.handle(request('POST', '/v1/open/x'));
    expect(thrown.status).toBe(502);
    expect(thrown.body.toString()).not.toContain('secret detail');
    expect((await malformed.adapter.handle(request('POST', '/v1/open/x'))).status).toBe(502);
    expect((await slow.adapter.handle(request('POST', '/v1/open/x'))).status).toBe(504);
  });

  it('passes the status, headers and base64 body of the result back', async () => {
    const { adapter } = setup(undefined, {
      auth: async () => ({
        statusCode: 201,
        headers: { ETag: '"3"' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: Buffer.from('bin').toString('base64'),
        isBase64Encoded: true,
      }),
    });
    const response = await adapter.handle(request('POST', '/v1/open/x'));
    expect(response).toEqual({
      status: 201,
      headers: { etag: '"3"', 'set-cookie': ['a=1', 'b=2'] },
      body: Buffer.from('bin'),
    });
  });
});

describe('Class: ApiGatewayAdapter, authorizer cache', () => {
  it('reuses an Allow policy for the same token as API Gateway does with a TTL, and asks again for another token', async () => {
    // Arrange
    const authorizer = jest.fn(async () =>
      policy('Allow', 'arn:aws:execute-api:us-east-1:111122223333:kmsvaultlocal/v1/*', { userId: 'u' }),
    );
    const { adapter } = setup(authorizer, {}, 300_000);

    // Act
    for (let i = 0; i < 3; i++)
      await adapter.handle(request('GET', `/v1/closed/${i}`, { authorization: 'Bearer one' }));
    await adapter.handle(request('GET', '/v1/closed/9', { authorization: 'Bearer two' }));

    // Assert
    expect(authorizer).toHaveBeenCalledTimes(2);
  });

  it('runs the authorizer every time by default (TTL 0, as the construct sets it), and never caches a failure', async () => {
    const authorizer = jest.fn(async () => {
      throw new Error('Unauthorized');
    });
    const { adapter } = setup(authorizer);
    for (let i = 0; i < 3; i++)
      expect(
        (await adapter.handle(request('GET', '/v1/closed/1', { authorization: 'Bearer bad' }))).status,
      ).toBe(401);
    expect(authorizer).toHaveBeenCalledTimes(3);
  });
});
