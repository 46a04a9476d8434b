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

function setup(api: RestApiResource = restApi(), authorizer = kmsvaultLikeAuthorizer) {
  const invoker = new FunctionsInvoker(
    { [AUTH_FN]: echo, [SECRETS_FN]: echo, [AUTHORIZER_FN]: authorizer },
    300,
  );
  const gateway = new TemplateApiGateway({ api, invoker, region: 'eu-west-1', accountId: '111122223333' });
  return { gateway, invoker };
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));
const get = (token?: string) =>
  request('GET', '/v1/secrets/abc', token === undefined ? {} : { Authorization: token });

describe('Class: LambdaTokenAuthorizer (through TemplateApiGateway)', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an empty Authorization header', ''],
  ])('answers 401 Unauthorized without invoking the authorizer for %s', async (_case, token) => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    const response = await gateway.handle(get(token));

    // Assert
    expect(response.status).toBe(401);
    expect(json(response.body)).toEqual({ message: 'Unauthorized' });
    expect(invoker.calls).toHaveLength(0);
  });

  it('invokes the authorizer with the TOKEN event and the method ARN of the request', async () => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    await gateway.handle(get('Bearer good'));

    // Assert
    expect(invoker.calls[0]).toEqual({
      functionLogicalId: AUTHORIZER_FN,
      event: {
        type: 'TOKEN',
        authorizationToken: 'Bearer good',
        methodArn: 'arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/GET/secrets/abc',
      },
    });
  });

  it("passes the policy's context, stringified, and the principalId to the function", async () => {
    // Arrange
    const { gateway } = setup();

    // Act
    const response = await gateway.handle(get('Bearer good'));

    // Assert
    expect(response.status).toBe(200);
    expect(json(response.body).requestContext.authorizer).toMatchObject({
      principalId: 'user-1',
      userId: 'user-1',
      sessionId: 's-1',
      mfa: 'true',
      age: '42',
    });
  });

  it('answers 401 when the authorizer fails with Unauthorized', async () => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    const response = await gateway.handle(get('Bearer expired'));

    // Assert
    expect(response.status).toBe(401);
    expect(invoker.count(SECRETS_FN)).toBe(0);
  });

  it('answers 403 for an explicit Deny and for a policy that does not cover the method', async () => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    const denied = await gateway.handle(get('Bearer deny'));
    const uncovered = await gateway.handle(get('Bearer other-stage'));

    // Assert
    expect(denied.status).toBe(403);
    expect(json(denied.body)).toEqual({
      Message: 'User is not authorized to access this resource with an explicit deny',
    });
    expect(uncovered.status).toBe(403);
    expect(json(uncovered.body)).toEqual({ Message: 'User is not authorized to access this resource' });
    expect(invoker.count(SECRETS_FN)).toBe(0);
  });

  it('answers 500 {"message": null} when the authorizer throws anything else, or the template\'s 503', async () => {
    // Arrange
    const plain = setup();
    const templated = setup(restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

    // Act
    const bare = await plain.gateway.handle(get('Bearer broken'));
    const rendered = await templated.gateway.handle(get('Bearer broken'));

    // Assert
    expect(bare.status).toBe(500);
    expect(json(bare.body)).toEqual({ message: null });
    expect(rendered.status).toBe(503);
    expect(rendered.headers['retry-after']).toBe('1');
    expect(json(rendered.body)).toMatchObject({ title: 'AUTHORIZER_CONFIGURATION_ERROR', detail: null });
  });

  it('answers AUTHORIZER_CONFIGURATION_ERROR for an output without a policy document', async () => {
    // Arrange
    const { gateway } = setup(restApi(), async () => ({ principalId: 'user-1' }));

    // Act
    const response = await gateway.handle(get('Bearer good'));

    // Assert
    expect(response.status).toBe(500);
  });

  it('reuses a cached result for the same token within resultTtlSeconds, evaluated per method', async () => {
    // Arrange
    const { gateway, invoker } = setup(restApi({}, 300));

    // Act
    const first = await gateway.handle(get('Bearer good'));
    const second = await gateway.handle(request('GET', '/v1/secrets', { Authorization: 'Bearer good' }));
    const otherToken = await gateway.handle(get('Bearer deny'));

    // Assert
    expect([first.status, second.status, otherToken.status]).toEqual([200, 200, 403]);
    expect(invoker.count(AUTHORIZER_FN)).toBe(2);
  });

  it('runs the authorizer on every request when resultTtlSeconds is 0', async () => {
    // Arrange
    const { gateway, invoker } = setup(restApi({}, 0));

    // Act
    await gateway.handle(get('Bearer good'));
    await gateway.handle(get('Bearer good'));

    // Assert
    expect(invoker.count(AUTHORIZER_FN)).toBe(2);
  });

  it('answers 401 without invoking when the token fails identityValidationExpression', async () => {
    // Arrange
    const base = restApi();
    const api = restApi({
      authorizers: base.authorizers.map((a) => ({ ...a, identityValidationExpression: 'Bearer [a-z]+' })),
    });
    const { gateway, invoker } = setup(api);

    // Act
    const refused = await gateway.handle(get('Basic abc'));
    const passed = await gateway.handle(get('Bearer good'));

    // Assert
    expect(refused.status).toBe(401);
    expect(passed.status).toBe(200);
    expect(invoker.count(AUTHORIZER_FN)).toBe(1);
  });
});
