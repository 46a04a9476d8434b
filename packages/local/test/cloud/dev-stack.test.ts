import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import type { LocalStack } from '../../src/stack';
import { call, startTestStack, type TestStack } from '../../src/testing';

const userKeyContext = { purpose: 'user-key', userId: 'cloud-test' };

describe('Local cloud: the dev stack as synthesized', () => {
  let suite: TestStack | undefined;
  let stack: LocalStack;

  beforeAll(async () => {
    suite = await startTestStack('cloud-dev');
    stack = suite.stack;
  });

  afterAll(() => suite?.stop());

  it('serves the API at the stage URL, laid out as the stack output ApiUrl, and /v1/v1 is no route', async () => {
    // Arrange
    const deployedApiUrl = Object.values(stack.template.outputs).find((v) => v.includes('.execute-api.'));

    // Act
    const health = await call(stack.info.apiUrl, `${new URL(stack.info.apiUrl).pathname}/health`);
    const doubled = await call<{ code: string }>(stack.info.apiUrl, '/v1/v1/health');

    // Assert
    expect(new URL(deployedApiUrl as string).pathname).toBe('/v1/');
    expect(new URL(stack.info.apiUrl).pathname).toBe('/v1');
    expect(stack.info.apiUrlKind).toBe('stage');
    expect(health.status).toBe(200);
    expect(doubled.status).toBe(404);
    expect(doubled.body.code).toBe('not_found');
  });

  it('serves the web vault and the API at the root as the template CloudFront distribution does', async () => {
    const page = await call(stack.info.webUrl as string, '/');
    const jwks = await call<{ keys: unknown[] }>(stack.info.webUrl as string, '/.well-known/jwks.json');

    expect(page.status).toBe(200);
    expect(page.text).toContain('<!doctype html>');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
  });

  it('runs each function from its bundled asset in cdk.out, as the role the template gives it', () => {
    for (const name of ['auth', 'secrets', 'authorizer'] as const) {
      const local = stack.info.functions[name];
      const fn = stack.template.functions.find((f) => f.logicalId === local?.logicalId);
      expect(fn?.roleArn).toBe(local?.roleArn);
      expect(fn?.assetDir).toContain(`${sep}asset.`);
      expect(existsSync(join(fn?.assetDir as string, 'index.js'))).toBe(true);
      expect(stack.template.roles.map((r) => r.arn)).toContain(local?.roleArn);
    }
  });

  it('denies a function role a KMS action its key policy does not give it (the authorizer decrypting a user key)', async () => {
    // Arrange: the auth role may make a user key; the authorizer role may not unwrap it.
    const { CiphertextBlob } = await stack.kmsAs('auth').send(
      new GenerateDataKeyCommand({
        KeyId: stack.info.keys.vault,
        KeySpec: 'AES_256',
        EncryptionContext: userKeyContext,
      }),
    );

    // Act
    const denied = await stack
      .kmsAs('authorizer')
      .send(new DecryptCommand({ CiphertextBlob, EncryptionContext: userKeyContext }))
      .catch((err: Error) => err);
    const allowed = await stack
      .kmsAs('secrets')
      .send(new DecryptCommand({ CiphertextBlob, EncryptionContext: userKeyContext }));

    // Assert
    expect((denied as Error).name).toBe('AccessDeniedException');
    expect((denied as Error).message).toContain(
      `is not authorized to perform: kms:Decrypt on resource: ${stack.info.keys.vault}`,
    );
    expect(allowed.Plaintext?.length).toBe(32);
  });

  it('denies a function role a DynamoDB action its policies do not give it (the authorizer writing the table)', async () => {
    const item = { pk: { S: 'CLOUD#probe' }, sk: { S: 'PROBE' } };
    const table = stack.info.tables.vault;

    const denied = await stack
      .dynamodbAs('authorizer')
      .send(new PutItemCommand({ TableName: table, Item: item }))
      .catch((err: Error) => err);
    const read = await stack
      .dynamodbAs('authorizer')
      .send(new GetItemCommand({ TableName: table, Key: item }));
    const written = await stack.dynamodb.send(new GetItemCommand({ TableName: table, Key: item }));

    expect((denied as Error).name).toBe('AccessDeniedException');
    expect((denied as Error).message).toContain('dynamodb:PutItem');
    expect(read.Item).toBeUndefined();
    expect(written.Item).toBeUndefined();
  });

  it('lists each resource of the template it does not run, with the reason', () => {
    expect(stack.info.notRun.length).toBeGreaterThan(0);
    expect(stack.info.notRun.map((r) => r.type)).toContain('AWS::Logs::LogGroup');
    for (const resource of stack.info.notRun) expect(resource.reason.length).toBeGreaterThan(10);
  });
});

describe('Local cloud: a function whose init crashes', () => {
  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack('cloud-crash', {}, 'WARN', {
      functionEnvironment: { secrets: { HISTORY_DEPTH: 'not-a-number-7c1' } },
    });
  });

  afterAll(() => suite?.stop());

  it('answers 502 for its routes, logs why once, and the other functions keep working', async () => {
    const { stack, logs } = suite as TestStack;

    const secrets = await call(stack.info.apiUrl, '/v1/generate', { method: 'POST', body: {} });
    const again = await call(stack.info.apiUrl, '/v1/health');
    const signup = await call(stack.info.apiUrl, '/v1/auth/signup', {
      method: 'POST',
      body: { username: `crash-${process.pid}`, password: 'a long and unusual passphrase' },
    });

    expect(secrets.status).toBe(401); // the authorizer still answers for a bearer route
    expect(again.status).toBe(502);
    expect(signup.status).toBe(201);
    expect(logs.text()).toMatch(/init failed: ValidationError: .*HISTORY_DEPTH/);
  });
});
