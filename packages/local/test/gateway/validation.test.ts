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

function setup(api: RestApiResource = restApi()) {
  const invoker = new FunctionsInvoker({
    [AUTH_FN]: echo,
    [SECRETS_FN]: echo,
    [AUTHORIZER_FN]: kmsvaultLikeAuthorizer,
  });
  const gateway = new TemplateApiGateway({ api, invoker, region: 'eu-west-1', accountId: '111122223333' });
  return { gateway, invoker };
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));
const importSecrets = (body: unknown, headers: Record<string, string> = { 'Idempotency-Key': 'k-1' }) =>
  request(
    'POST',
    '/v1/import',
    { Authorization: 'Bearer good', 'Content-Type': 'application/json', ...headers },
    JSON.stringify(body),
  );

/** A BAD_REQUEST_BODY response that shows validationErrorString, as some APIs configure it. */
const SHOW_ERRORS = restApi({
  gatewayResponses: [
    {
      responseType: 'BAD_REQUEST_BODY',
      responseParameters: {},
      responseTemplates: { 'application/json': '$context.error.validationErrorString' },
    },
  ],
});

describe('Class: RequestValidation (through TemplateApiGateway)', () => {
  it('passes a valid body to the function', async () => {
    // Arrange
    const { gateway } = setup();

    // Act
    const response = await gateway.handle(importSecrets({ format: 'chrome-csv', content: 'a,b' }));

    // Assert
    expect(response.status).toBe(200);
  });

  it('answers 400 Invalid request body without invoking the function when the body breaks the model', async () => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    const response = await gateway.handle(importSecrets({ format: 'keepass', content: 'x' }));

    // Assert
    expect(response.status).toBe(400);
    expect(json(response.body)).toEqual({ message: 'Invalid request body' });
    expect(invoker.count(SECRETS_FN)).toBe(0);
  });

  it("renders the template's BAD_REQUEST_BODY problem", async () => {
    // Arrange
    const { gateway } = setup(restApi({ gatewayResponses: TEMPLATE_RESPONSES }));

    // Act
    const response = await gateway.handle(
      request('POST', '/v1/auth/signup', { 'Content-Type': 'application/json' }, '{"username":"a"}'),
    );

    // Assert
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(json(response.body)).toMatchObject({
      title: 'BAD_REQUEST_BODY',
      status: 400,
      detail: 'Invalid request body',
      code: 'validation_failed',
    });
  });

  it('carries the schema errors in $context.error.validationErrorString, in API Gateway words', async () => {
    // Arrange
    const { gateway } = setup(SHOW_ERRORS);

    // Act
    const response = await gateway.handle(importSecrets({ format: 'keepass', extra: 1 }));

    // Assert
    expect(response.body.toString()).toBe(
      '[object has missing required properties (["content"]), ' +
        'object instance has properties which are not allowed by the schema: ["extra"], ' +
        'instance value ("keepass") not found in enum (possible values: ["bitwarden-json","bitwarden-csv","chrome-csv"])]',
    );
  });

  it('answers 400 for a body that is not JSON', async () => {
    // Arrange
    const { gateway } = setup();

    // Act
    const response = await gateway.handle(
      request('POST', '/v1/auth/signup', { 'Content-Type': 'application/json' }, '{"username":'),
    );

    // Assert
    expect(response.status).toBe(400);
  });

  it('does not validate a content type the method has no model for, as API Gateway does not', async () => {
    // Arrange
    const { gateway, invoker } = setup();

    // Act
    const response = await gateway.handle(
      request('POST', '/v1/auth/signup', { 'Content-Type': 'text/plain' }, 'hi'),
    );

    // Assert
    expect(response.status).toBe(200);
    expect(invoker.count(AUTH_FN)).toBe(1);
  });

  it.each([
    ['missing', {}],
    ['blank', { 'Idempotency-Key': ' ' }],
  ])(
    'answers 400 Missing required request parameters when a required header is %s',
    async (_case, headers) => {
      // Arrange
      const { gateway, invoker } = setup();

      // Act
      const response = await gateway.handle(importSecrets({ format: 'chrome-csv', content: 'a' }, headers));

      // Assert
      expect(response.status).toBe(400);
      expect(json(response.body)).toEqual({
        message: 'Missing required request parameters: [Idempotency-Key]',
      });
      expect(invoker.count(SECRETS_FN)).toBe(0);
    },
  );

  it('runs the authorizer before validation: an invalid body without a token is 401', async () => {
    // Arrange
    const { gateway } = setup();

    // Act
    const response = await gateway.handle(
      request('POST', '/v1/import', { 'Content-Type': 'application/json' }, '{"format":1}'),
    );

    // Assert
    expect(response.status).toBe(401);
  });
});
