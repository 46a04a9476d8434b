import type { InvocationResult, Invoker } from '../../src/lambda/types';
import type {
  ApiGatewayResponse,
  ApiMethod,
  ApiModel,
  DistributionResource,
  RestApiResource,
} from '../../src/template/types';

/**
 * TEST DOUBLE for the worker-process Invoker (built in parallel): it runs
 * plain async functions in this process and stands in for the process
 * boundary only. A function that throws ends as `Unhandled` with its message,
 * one that outlives `timeoutMs` as `Timeout`, as Lambda reports them.
 */
export class FunctionsInvoker implements Invoker {
  public readonly calls: { functionLogicalId: string; event: unknown }[] = [];

  public constructor(
    private readonly functions: Record<string, (event: unknown) => Promise<unknown>>,
    private readonly timeoutMs = 5_000,
  ) {}

  public async invoke(functionLogicalId: string, event: unknown): Promise<InvocationResult> {
    this.calls.push({ functionLogicalId, event });
    const fn = this.functions[functionLogicalId];
    if (fn === undefined) return { ok: false, errorType: 'InitError', errorMessage: 'no such function' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<InvocationResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, errorType: 'Timeout', errorMessage: 'Task timed out' }),
        this.timeoutMs,
      );
    });
    const run = fn(event).then(
      (payload): InvocationResult => ({ ok: true, payload }),
      (err: Error): InvocationResult => ({ ok: false, errorType: 'Unhandled', errorMessage: err.message }),
    );
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  public count(functionLogicalId: string): number {
    return this.calls.filter((c) => c.functionLogicalId === functionLogicalId).length;
  }
}

export const AUTH_FN = 'VaultAuthFunction9952BEE8';
export const SECRETS_FN = 'VaultSecretsFunctionA3221169';
export const AUTHORIZER_FN = 'VaultAuthorizerFunctionFC610C00';
export const AUTHORIZER_ID = 'authz01';
export const VALIDATOR_ID = 'valid01';

const proxy = (functionLogicalId: string) => ({ type: 'AWS_PROXY' as const, functionLogicalId });

function method(
  httpMethod: string,
  resourcePath: string,
  fn: string,
  extra: Partial<ApiMethod> = {},
): ApiMethod {
  return {
    logicalId: `M${httpMethod}${resourcePath.replace(/[^A-Za-z]/g, '')}`,
    httpMethod,
    resourcePath,
    resourceId: `r-${resourcePath.replace(/[^A-Za-z]/g, '') || 'root'}`,
    authorizationType: 'NONE',
    requestModels: {},
    requestParameters: {},
    integration: proxy(fn),
    ...extra,
  };
}

const bearer = { authorizationType: 'CUSTOM' as const, authorizerId: AUTHORIZER_ID };

/*
 * Models and gateway responses copied from cdk.out/Kmsvault-dev.template.json
 * (`pnpm synth` at this branch's base): the shapes the template loader reads.
 */
export const MODELS: readonly ApiModel[] = [
  {
    name: 'signupRequest',
    contentType: 'application/json',
    schema: {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: {
        username: { type: 'string', maxLength: 256 },
        password: { type: 'string', maxLength: 4096 },
      },
      required: ['username', 'password'],
      additionalProperties: false,
    },
  },
  {
    name: 'importSecretsRequest',
    contentType: 'application/json',
    schema: {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: {
        format: { type: 'string', enum: ['bitwarden-json', 'bitwarden-csv', 'chrome-csv'] },
        content: { type: 'string', minLength: 1, maxLength: 250000 },
      },
      required: ['format', 'content'],
      additionalProperties: false,
    },
  },
];

const problem = (code: string, status: string) =>
  `{"type":"https://kmsvault.dev/problems/${code}","title":"$context.error.responseType","status":${status},"detail":$context.error.messageString,"code":"${code}","instance":"urn:request:$context.requestId"}`;

const response = (type: string, status: string | undefined, code: string): ApiGatewayResponse => ({
  responseType: type,
  ...(status !== undefined ? { statusCode: status } : {}),
  responseParameters: {
    'gatewayresponse.header.Content-Type': "'application/problem+json'",
    ...(code === 'service_unavailable' ? { 'gatewayresponse.header.Retry-After': "'1'" } : {}),
  },
  responseTemplates: { 'application/json': problem(code, status ?? '$context.error.statusCode') },
});

/** The construct's ten gateway responses, as synthesized. */
export const TEMPLATE_RESPONSES: readonly ApiGatewayResponse[] = [
  response('UNAUTHORIZED', '401', 'unauthorized'),
  response('ACCESS_DENIED', '403', 'forbidden'),
  response('BAD_REQUEST_BODY', '400', 'validation_failed'),
  response('REQUEST_TOO_LARGE', '413', 'payload_too_large'),
  response('THROTTLED', '429', 'too_many_requests'),
  response('MISSING_AUTHENTICATION_TOKEN', '404', 'not_found'),
  response('AUTHORIZER_FAILURE', '503', 'service_unavailable'),
  response('AUTHORIZER_CONFIGURATION_ERROR', '503', 'service_unavailable'),
  response('INTEGRATION_TIMEOUT', '503', 'service_unavailable'),
  response('DEFAULT_5XX', undefined, 'service_unavailable'),
];

/** A REST API shaped as the loader resolves the dev stack's (stage v1, paths without /v1). */
export function restApi(overrides: Partial<RestApiResource> = {}, ttlSeconds = 0): RestApiResource {
  return {
    logicalId: 'VaultApi1EF6E795',
    restApiId: 'a1b2c3d4e5',
    name: 'Api',
    stageName: 'v1',
    methods: [
      method('GET', '/health', SECRETS_FN),
      method('POST', '/auth/signup', AUTH_FN, {
        requestValidatorId: VALIDATOR_ID,
        requestModels: { 'application/json': 'signupRequest' },
      }),
      method('GET', '/secrets', SECRETS_FN, bearer),
      method('GET', '/secrets/{id}', SECRETS_FN, bearer),
      method('DELETE', '/secrets/{id}', SECRETS_FN, bearer),
      method('GET', '/secrets/{id}/versions/{version}', SECRETS_FN, bearer),
      method('POST', '/import', SECRETS_FN, {
        ...bearer,
        requestValidatorId: VALIDATOR_ID,
        requestModels: { 'application/json': 'importSecretsRequest' },
        requestParameters: { 'method.request.header.Idempotency-Key': true },
      }),
      method('GET', '/.well-known/jwks.json', AUTH_FN),
      method('ANY', '/files/{proxy+}', SECRETS_FN),
      method('OPTIONS', '/secrets', SECRETS_FN, {
        integration: {
          type: 'MOCK',
          raw: {
            Type: 'MOCK',
            RequestTemplates: { 'application/json': '{ statusCode: 200 }' },
            IntegrationResponses: [
              {
                StatusCode: '204',
                ResponseParameters: {
                  'method.response.header.Access-Control-Allow-Origin': "'https://vault.example.com'",
                  'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET,POST'",
                },
              },
            ],
          },
        },
      }),
    ],
    authorizers: [
      {
        id: AUTHORIZER_ID,
        logicalId: 'VaultAuthorizer1BCFFD88',
        name: 'KmsvaultdevVaultAuthorizer816F3C64',
        type: 'TOKEN',
        identitySource: 'method.request.header.Authorization',
        resultTtlSeconds: ttlSeconds,
        functionLogicalId: AUTHORIZER_FN,
      },
    ],
    validators: [{ id: VALIDATOR_ID, validateRequestBody: true, validateRequestParameters: true }],
    models: MODELS,
    gatewayResponses: [],
    ...overrides,
  };
}

/** An authorizer as kmsvault's: Allow on the whole stage for `good`, Unauthorized otherwise. */
export async function kmsvaultLikeAuthorizer(event: unknown): Promise<unknown> {
  const { authorizationToken, methodArn } = event as { authorizationToken: string; methodArn: string };
  const [arnPrefix, stage] = methodArn.split('/');
  if (authorizationToken === 'Bearer deny') {
    return policy('Deny', `${arnPrefix}/${stage}/*`);
  }
  if (authorizationToken === 'Bearer other-stage') return policy('Allow', `${arnPrefix}/v9/*`);
  if (authorizationToken === 'Bearer broken') throw new Error('KMS unreachable');
  if (authorizationToken !== 'Bearer good') throw new Error('Unauthorized');
  return {
    ...policy('Allow', `${arnPrefix}/${stage}/*`),
    context: { userId: 'user-1', sessionId: 's-1', mfa: true, age: 42 },
  };
}

function policy(effect: 'Allow' | 'Deny', resource: string) {
  return {
    principalId: 'user-1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
  };
}

/** A function answering 200 with the event it received. */
export async function echo(event: unknown): Promise<unknown> {
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) };
}

export const request = (method: string, url: string, headers: Record<string, string> = {}, body = '') => ({
  method,
  url,
  headers: Object.entries(headers) as [string, string][],
  body: Buffer.from(body),
  sourceIp: '203.0.113.7',
});

const ALL = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'",
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
  'X-Frame-Options': 'DENY',
};

/** The web stack's distribution as the loader resolves it: two API behaviours, the bucket by default. */
export function distribution(wellKnownOriginPath = '/v1'): DistributionResource {
  return {
    logicalId: 'WebDistribution1A2B3C4D',
    defaultRootObject: 'index.html',
    behaviors: [
      {
        pathPattern: '/v1/*',
        origin: { kind: 'api', restApiLogicalId: 'VaultApi1EF6E795', originPath: '' },
        allowedMethods: ALL,
        responseHeaders: {},
      },
      {
        pathPattern: '/.well-known/*',
        origin: { kind: 'api', restApiLogicalId: 'VaultApi1EF6E795', originPath: wellKnownOriginPath },
        allowedMethods: ALL,
        responseHeaders: {},
      },
      {
        pathPattern: '*',
        origin: { kind: 'bucket', bucketLogicalId: 'WebBucket12880F5B', originPath: '' },
        allowedMethods: ['GET', 'HEAD'],
        responseHeaders: SECURITY_HEADERS,
      },
    ],
  };
}
