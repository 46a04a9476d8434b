import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020';
import type { LocalStack } from '../../src/stack';
import { call, startTestStack, type TestStack } from '../../src/testing';

type Problem = { code: string; status: number };
type Operation = {
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { links?: Record<string, { operationId: string; parameters: unknown }> }>;
};

describe('HTTP edges of the local stack', () => {
  let stack: LocalStack;

  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack('edges', {}, 'WARN');
    ({ stack } = suite);
  });

  afterAll(() => suite?.stop());

  it('refuses a weak If-Match (W/"1") with 412 and keeps the secret: If-Match was accepted with a weak validator', async () => {
    // Arrange
    const url = stack.info.apiUrl;
    const credentials = { username: `edges-${process.pid}`, password: 'a long and unusual passphrase' };
    await call(url, '/v1/auth/signup', { body: credentials });
    const login = await call<{ accessToken: string }>(url, '/v1/auth/login', { body: credentials });
    const bearer = login.body.accessToken;
    const created = await call<{ id: string }>(url, '/v1/secrets', {
      bearer,
      headers: { 'idempotency-key': 'edges-1' },
      body: { name: 'first' },
    });
    const path = `/v1/secrets/${created.body.id}`;

    // Act
    const weak = await call<Problem>(url, path, {
      method: 'PUT',
      bearer,
      headers: { 'if-match': 'W/"1"' },
      body: { name: 'weak' },
    });
    const unquoted = await call<Problem>(url, path, {
      method: 'PUT',
      bearer,
      headers: { 'if-match': '1' },
      body: { name: 'unquoted' },
    });
    const after = await call<{ name: string; version: number }>(url, path, { bearer });
    const strong = await call<{ version: number }>(url, path, {
      method: 'PUT',
      bearer,
      headers: { 'if-match': '"1"' },
      body: { name: 'strong' },
    });

    // Assert
    expect(created.status).toBe(201);
    expect([weak.status, weak.headers['content-type'], weak.body.code]).toEqual([
      412,
      'application/problem+json',
      'precondition_failed',
    ]);
    expect([unquoted.status, unquoted.body.code]).toEqual([412, 'precondition_failed']);
    expect(after.body).toMatchObject({ name: 'first', version: 1 });
    expect([strong.status, strong.body.version]).toEqual([200, 2]);
  });

  it.each(['/%E0%A4%A', '/%zz', '/%', '/assets/%C0%80'])(
    'answers the malformed percent-escape in %s at the root as CloudFront and its bucket do: 403, never 5xx',
    async (path) => {
      // Act: outside /v1/* the distribution's default behaviour (the web bucket) answers.
      const res = await call(stack.info.webUrl as string, path);

      // Assert
      expect(res.status).toBe(403);
    },
  );

  it.each(['/v1/secrets/%zz', '/v1/secrets/%E0%A4%A'])(
    'answers the malformed percent-escape in %s with a 4xx problem, never 5xx',
    async (path) => {
      // Act
      const res = await call<Problem>(stack.info.apiUrl, path, {
        headers: { authorization: 'Bearer not-checked-before-the-path' },
      });

      // Assert
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toBe('application/problem+json');
    },
  );

  it('answers a method the API does not define as API Gateway does: 404 not_found problem (Missing Authentication Token)', async () => {
    // Act
    const health = await call<Problem>(stack.info.apiUrl, '/v1/health', { method: 'TRACE' });
    const secret = await call<Problem>(stack.info.apiUrl, '/v1/secrets/some-id', { method: 'PATCH' });

    // Assert
    for (const res of [health, secret]) {
      expect([res.status, res.headers['content-type'], res.body.code]).toEqual([
        404,
        'application/problem+json',
        'not_found',
      ]);
    }
  });

  it('answers 431 problem+json for a request line and headers over 16 KB: Node answered a bare, undocumented 431', async () => {
    // Act
    const res = await call<Problem>(stack.info.apiUrl, `/v1/secrets?q=${'a'.repeat(20_000)}`, {
      headers: { authorization: 'Bearer x' },
    });

    // Assert
    expect([res.status, res.headers['content-type'], res.body?.code]).toEqual([
      431,
      'application/problem+json',
      'header_fields_too_large',
    ]);
  });

  it('declares the one server every client uses: its URL, resolved against where the document is served (stage URL or CloudFront root), reaches /v1/health', async () => {
    // Arrange: the same document behind the stage URL and behind the CloudFront-shaped root
    const served = [
      new URL('openapi.json', `${stack.info.apiUrl}/`),
      new URL('/v1/openapi.json', stack.info.webUrl),
    ];

    // Act
    const reached = [];
    for (const documentUrl of served) {
      const doc = await call<{ servers: { url: string }[]; paths: Record<string, unknown> }>(
        documentUrl.origin,
        documentUrl.pathname,
      );
      const server = new URL(doc.body.servers[0]?.url ?? '', documentUrl);
      const health = await call<{ status: string }>(
        server.origin,
        `${server.pathname.replace(/\/$/, '')}/v1/health`,
      );
      reached.push([
        doc.body.servers.length,
        health.status,
        health.body.status,
        '/v1/health' in doc.body.paths,
      ]);
    }

    // Assert
    expect(reached).toEqual([
      [1, 200, 'ok', true],
      [1, 200, 'ok', true],
    ]);
  });

  it('serves a valid OpenAPI document that declares what the fuzzer found undeclared', async () => {
    // Act
    const res = await call<{ paths: Record<string, Record<string, Operation>> }>(
      stack.info.apiUrl,
      '/v1/openapi.json',
    );
    const validation = await new Validator().validate(res.body as never);
    const operations = Object.values(res.body.paths).flatMap((methods) => Object.values(methods));
    const create = res.body.paths['/v1/secrets']?.post?.responses['201'];
    const generate = new Ajv2020({ strict: false }).compile(
      res.body.paths['/v1/generate']?.post?.requestBody?.content['application/json']?.schema ?? {},
    );
    const noClass = { lowercase: false, uppercase: false, digits: false, symbols: false };

    // Assert
    expect(validation).toEqual({ valid: true });
    expect(operations.filter((op) => op.responses['431'] === undefined)).toEqual([]);
    expect(res.body.paths['/v1/account/password']?.post?.responses['429']).toBeDefined();
    expect(create?.links?.updateSecret).toEqual({
      operationId: 'updateSecret',
      parameters: { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' },
    });
    expect([generate(noClass), generate({ ...noClass, digits: true }), generate({ symbols: false })]).toEqual(
      [false, true, true],
    );
    expect(create?.links?.getVersion?.parameters).toEqual({
      id: '$response.body#/id',
      version: '$response.body#/version',
    });
  });
});
