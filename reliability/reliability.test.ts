import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApi, ROUTES } from '@kmsvault/core';
import { type LocalStack, startLocalStack } from '@kmsvault/local';
import { call, captureStdout, type TestResponse } from '@kmsvault/local/testing';
import fc from 'fast-check';
import { fromSchema } from './arbitraries';

type Problem = { code: string; status: number };
type Tokens = { accessToken: string; refreshToken: string };

const MARK = 'RELIABILITY-PLAINTEXT';
const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 60);
const figures = {
  requests: 0,
  status5xx: 0,
  faultsInjected: 0,
  hostileRequests: 0,
  load: {
    requests: 0,
    errors5xx: 0,
    p50_ms: 0,
    p99_ms: 0,
    clients: 32,
    seconds: LOAD_SECONDS,
    writesChecked: 0,
    lostWrites: 0,
    signups: 0,
  },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

describe('Reliability and abuse', () => {
  let stack: LocalStack;
  let url: string;
  let logs: ReturnType<typeof captureStdout>;
  const secrets: string[] = [];
  /** Every write the API acknowledged: id → what must read back. */
  const acknowledged = new Map<string, { name: string; version: number; bearer: string }>();

  beforeAll(async () => {
    logs = captureStdout();
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-reliability-')),
      // Key cache off: every secrets request needs KMS, so a KMS outage reaches every such route.
      config: {
        scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 },
        keyCacheMaxAgeMs: 0,
        loginBackoff: { freeAttempts: 100, accountFreeAttempts: 1000, baseSeconds: 1, maxSeconds: 5 },
      },
      logLevel: 'INFO',
    });
    url = stack.info.apiUrl;
  });

  afterAll(async () => {
    await stack?.stop();
    logs?.restore();
    process.stderr.write(`\nreliability figures: ${JSON.stringify(figures)}\n`);
  });

  const send = async <T = unknown>(
    path: string,
    req: Parameters<typeof call>[2] = {},
  ): Promise<TestResponse<T>> => {
    const res = await call<T>(url, path, req);
    figures.requests++;
    if (res.status >= 500 && res.status !== 503) figures.status5xx++;
    return res;
  };

  async function user(name: string) {
    const password = `${MARK} ${name} password`;
    secrets.push(password);
    await send('/v1/auth/signup', { method: 'POST', body: { username: name, password } });
    const { body } = await send<Tokens>('/v1/auth/login', {
      method: 'POST',
      body: { username: name, password },
    });
    secrets.push(body.accessToken, body.refreshToken);
    let keys = 0;
    return {
      name,
      password,
      bearer: body.accessToken,
      refreshToken: body.refreshToken,
      nextKey: () => `${name}-${++keys}`,
    };
  }

  async function create(u: Awaited<ReturnType<typeof user>>, name: string) {
    const res = await send<{ id: string; version: number }>('/v1/secrets', {
      method: 'POST',
      bearer: u.bearer,
      headers: { 'idempotency-key': u.nextKey() },
      body: { name, password: `${MARK}-${name}`, url: `https://${name.replace(/\W/g, '')}.example` },
    });
    if (res.status === 201)
      acknowledged.set(res.body.id, { name, version: res.body.version, bearer: u.bearer });
    return res;
  }

  /** A valid request for every route of the manifest. */
  function everyRoute(u: Awaited<ReturnType<typeof user>>, id: string) {
    const nobody = `00000000-0000-0000-0000-000000000000.${'A'.repeat(43)}`;
    const bodies: Record<string, unknown> = {
      signup: {
        username: `fault-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        password: 'fault time passphrase',
      },
      login: { username: u.name, password: u.password },
      refresh: { refreshToken: nobody },
      logout: { refreshToken: nobody },
      changePassword: { currentPassword: u.password, newPassword: u.password },
      // A wrong password: the route runs its whole password check and deletes nothing.
      deleteAccount: { password: `not ${u.password}` },
      reauthenticate: { password: u.password },
      createSecret: { name: 'during the fault' },
      updateSecret: { name: 'changed during the fault' },
      generatePassword: { length: 16 },
      importSecrets: {
        format: 'chrome-csv',
        content: 'name,url,username,password\nDuring fault,https://f.example,u,p\n',
      },
    };
    return ROUTES.map((route) => {
      const path = route.path.replace('{id}', id).replace('{version}', '1');
      const headers: Record<string, string> = {};
      if (route.headers?.some((h) => h.name === 'Idempotency-Key')) headers['idempotency-key'] = u.nextKey();
      if (route.operationId === 'updateSecret') headers['if-match'] = '"1"';
      return {
        route,
        run: () =>
          send<Problem>(path, {
            method: route.method,
            headers,
            ...(route.auth === 'bearer' ? { bearer: u.bearer } : {}),
            ...(bodies[route.operationId] !== undefined ? { body: bodies[route.operationId] } : {}),
          }),
      };
    });
  }

  const NEEDS_KMS_WITH_COLD_CACHE = new Set([
    'getHealth',
    'signup',
    'login',
    'changePassword',
    'deleteAccount',
    'reauthenticate',
    'createSecret',
    'getSecret',
    'updateSecret',
    'deleteSecret',
    'listVersions',
    'getVersion',
    'restoreVersion',
    'listSecrets',
    'exportSecrets',
    // The user's signed head is read (and verified) by every secrets route; an import's
    // idempotency digest is keyed by the user key.
    'listTrash',
    'restoreTrash',
    'purgeTrash',
    'importSecrets',
  ]);
  // logout with a token of somebody else changes nothing and needs no table read.
  const NEEDS_DYNAMODB = new Set(
    ROUTES.map((r) => r.operationId).filter(
      // The authorizer reads the session record, so every bearer route needs DynamoDB now; logout too.
      (id) => !['getJwks', 'getOpenApi', 'generatePassword'].includes(id),
    ),
  );

  describe('faults', () => {
    let alice: Awaited<ReturnType<typeof user>>;
    let id: string;

    beforeAll(async () => {
      alice = await user(`alice-${process.pid}`);
      for (let i = 0; i < 3; i++) await create(alice, `before fault ${i}`);
      id = [...acknowledged.keys()][0] as string;
      // Warm the authorizer's keys: an authorised request after this costs no KMS call.
      await send('/v1/secrets', { bearer: alice.bearer });
    });

    afterEach(async () => {
      await fetch(`${stack.info.kmsEndpoint}/_faults`, { method: 'DELETE' });
    });

    it.each(['unavailable', 'throttle'] as const)(
      'answers 503 with Retry-After on every route that needs KMS while it is %s, never 500',
      async (mode) => {
        // Arrange
        await fetch(`${stack.info.kmsEndpoint}/_faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode }),
        });
        figures.faultsInjected++;
        const before = (await fetch(`${stack.info.kmsEndpoint}/_faults`).then((r) => r.json())) as {
          faults: unknown[];
        };
        expect(before.faults).toHaveLength(1);

        // Act
        const results = [];
        for (const { route, run } of everyRoute(alice, id)) {
          const started = Date.now();
          const res = await run();
          results.push({
            id: route.operationId,
            status: res.status,
            retry: res.headers['retry-after'],
            type: res.headers['content-type'],
            ms: Date.now() - started,
          });
        }

        // Assert
        for (const r of results) {
          expect([r.id, r.status]).not.toEqual([r.id, 500]);
          expect(r.status === 502 || r.status === 504).toBe(false);
          expect(r.ms).toBeLessThan(10_000); // inside the 10 s function timeout
          if (NEEDS_KMS_WITH_COLD_CACHE.has(r.id)) {
            expect({ id: r.id, status: r.status, type: r.type, retry: r.retry !== undefined }).toEqual({
              id: r.id,
              status: 503,
              type: 'application/problem+json',
              retry: true,
            });
          }
        }
      },
    );

    it('leaves nothing half-done: a failed create stores nothing, a failed update keeps the previous version, a failed import stores nothing', async () => {
      // Arrange
      const count = async () =>
        (await send<{ items: unknown[] }>('/v1/secrets', { bearer: alice.bearer })).body.items.length;
      const items = await count();
      const current = await send<{ version: number; name: string }>(`/v1/secrets/${id}`, {
        bearer: alice.bearer,
      });
      await fetch(`${stack.info.kmsEndpoint}/_faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'unavailable' }),
      });
      figures.faultsInjected++;

      // Act
      const created = await create(alice, 'never stored');
      const updated = await send(`/v1/secrets/${id}`, {
        method: 'PUT',
        bearer: alice.bearer,
        headers: { 'if-match': `"${current.body.version}"` },
        body: { name: 'never changed' },
      });
      const imported = await send<{
        imported: number;
        failed: number;
        ids: string[];
        errors: { row: number }[];
      }>('/v1/import', {
        method: 'POST',
        bearer: alice.bearer,
        headers: { 'idempotency-key': alice.nextKey() },
        body: {
          format: 'chrome-csv',
          content: 'name,url,username,password\nA,https://a.example,u,p\nB,https://b.example,u,p\n',
        },
      });
      await fetch(`${stack.info.kmsEndpoint}/_faults`, { method: 'DELETE' });

      // Assert
      expect(created.status).toBe(503);
      expect(updated.status).toBe(503);
      // The import's idempotency digest is keyed by the user key: with KMS down nothing is stored, 503.
      expect(imported.status).toBe(503);
      expect(imported.headers['retry-after']).toBeDefined();
      expect(await count()).toBe(items);
      const after = await send<{ version: number; name: string }>(`/v1/secrets/${id}`, {
        bearer: alice.bearer,
      });
      expect(after.body).toMatchObject({ version: current.body.version, name: current.body.name });
    });

    it('answers 503 while DynamoDB Local is down, and every acknowledged write reads back after it restarts on its data', async () => {
      // Arrange
      await create(alice, 'last before outage');
      await stack.stopDynamoDb();
      figures.faultsInjected++;

      // Act
      const results = [];
      for (const { route, run } of everyRoute(alice, id)) {
        const res = await run();
        results.push({
          id: route.operationId,
          status: res.status,
          retry: res.headers['retry-after'] !== undefined,
        });
      }
      await stack.restartDynamoDb();

      // Assert
      for (const r of results) {
        if (NEEDS_DYNAMODB.has(r.id)) expect(r).toEqual({ id: r.id, status: 503, retry: true });
        // generate needs only the authorizer's session check, which may still be cached (10 s).
        else if (r.id === 'generatePassword') expect([200, 503]).toContain(r.status);
        else expect(r.status).toBeLessThan(500);
      }
      for (const [secretId, expected] of acknowledged) {
        const res = await send<{ name: string; password: string }>(`/v1/secrets/${secretId}`, {
          bearer: expected.bearer,
        });
        expect({ id: secretId, status: res.status, name: res.body.name }).toEqual({
          id: secretId,
          status: 200,
          name: expected.name,
        });
        expect(res.body.password).toBe(`${MARK}-${expected.name}`);
      }
      expect((await send('/v1/health')).status).toBe(200);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 20 concurrent PUTs with the same If-Match win; the rest get 412 and no version is lost', async () => {
      const u = await user(`racer-${process.pid}`);
      const { body } = await create(u, 'contended');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(`/v1/secrets/${body.id}`, {
            method: 'PUT',
            bearer: u.bearer,
            headers: { 'if-match': '"1"' },
            body: { name: `writer ${i}` },
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
      const versions = await send<{ items: { version: number }[] }>(`/v1/secrets/${body.id}/versions`, {
        bearer: u.bearer,
      });
      expect(versions.body.items.map((v) => v.version)).toEqual([2, 1]);
      const winner = results.findIndex((r) => r.status === 200);
      expect((await send<{ name: string }>(`/v1/secrets/${body.id}`, { bearer: u.bearer })).body.name).toBe(
        `writer ${winner}`,
      );
      acknowledged.set(body.id, { name: `writer ${winner}`, version: 2, bearer: u.bearer });
    });

    it('creates exactly one secret for 20 concurrent creates with one Idempotency-Key, all answered alike', async () => {
      const u = await user(`idem-${process.pid}`);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          send<{ id: string }>('/v1/secrets', {
            method: 'POST',
            bearer: u.bearer,
            headers: { 'idempotency-key': 'one-key' },
            body: { name: 'once only', password: `${MARK}-once only` },
          }),
        ),
      );
      expect(new Set(results.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).size).toBe(1);
      expect(results[0]?.status).toBe(201);
      const list = await send<{ items: unknown[] }>('/v1/secrets', { bearer: u.bearer });
      expect(list.body.items).toHaveLength(1);
      acknowledged.set((results[0] as { body: { id: string } }).body.id, {
        name: 'once only',
        version: 1,
        bearer: u.bearer,
      });
    });

    it('answers one 201 and one 409 to two concurrent signups of one username', async () => {
      const name = `twin-${process.pid}`;
      const results = await Promise.all(
        [0, 1].map(() =>
          send('/v1/auth/signup', {
            method: 'POST',
            body: { username: name, password: 'a twin passphrase here' },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });

  describe('hostile input', () => {
    let mallory: Awaited<ReturnType<typeof user>>;
    let id: string;
    beforeAll(async () => {
      mallory = await user(`mallory-${process.pid}`);
      id = (await create(mallory, 'target')).body.id;
    });

    it('answers property-based requests for every route, generated from the OpenAPI document, with 4xx or success, never 5xx', async () => {
      const doc = buildOpenApi() as {
        paths: Record<
          string,
          Record<
            string,
            { requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } } }
          >
        >;
      };
      for (const route of ROUTES) {
        const op = doc.paths[route.path]?.[route.method.toLowerCase()];
        const bodySchema = op?.requestBody?.content['application/json'].schema;
        const bodies = bodySchema ? fromSchema(bodySchema) : fc.constant(undefined);
        await fc.assert(
          fc.asyncProperty(
            bodies,
            fc.string({ maxLength: 40 }),
            fc.dictionary(
              fc.constantFrom('q', 'site', 'tag', 'limit', 'cursor', 'format', 'x'),
              fc.string({ maxLength: 30 }),
            ),
            async (body, segment, query) => {
              const path = route.path
                .replace('{id}', encodeURIComponent(segment) || id)
                .replace('{version}', encodeURIComponent(segment) || '1');
              const qs = new URLSearchParams(query).toString();
              const res = await send(`${path}${qs ? `?${qs}` : ''}`, {
                method: route.method,
                bearer: mallory.bearer,
                headers: { 'idempotency-key': mallory.nextKey(), 'if-match': '"1"' },
                ...(body !== undefined ? { body } : {}),
              });
              figures.hostileRequests++;
              if (res.status >= 500)
                throw new Error(`${route.operationId} answered ${res.status}: ${res.text.slice(0, 200)}`);
              return true;
            },
          ),
          { numRuns: 25, seed: 20261122 },
        );
      }
    });

    const raw = (path: string, headers: Record<string, string>, body: Buffer | string, method = 'POST') =>
      new Promise<number>((resolve) => {
        const u = new URL(path, url);
        const req = httpRequest(
          {
            host: u.hostname,
            port: u.port,
            path: u.pathname,
            method,
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            agent: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', () => resolve(0));
        req.end(body);
      });

    it('answers hostile bodies and headers with 4xx and stays healthy', async () => {
      const auth = {
        authorization: `Bearer ${mallory.bearer}`,
        'content-type': 'application/json',
        'idempotency-key': 'hostile',
      };
      const cases: [string, Record<string, string>, Buffer | string][] = [
        ['deep nesting', auth, `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
        ['deep object nesting', auth, `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`],
        ['a huge string', auth, JSON.stringify({ name: 'x'.repeat(300_000) })],
        [
          'invalid UTF-8',
          auth,
          Buffer.from([
            0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d,
          ]),
        ],
        ['a wrong content type', { ...auth, 'content-type': 'text/xml' }, '<name>x</name>'],
        ['no content type', { authorization: auth.authorization, 'idempotency-key': 'h2' }, '{"name":"x"}'],
        ['duplicate keys', auth, '{"name":"a","name":"b","password":"1","password":"2"}'],
        [
          '__proto__ and constructor keys',
          auth,
          '{"name":"x","__proto__":{"admin":true},"constructor":{"prototype":{"polluted":1}}}',
        ],
        ['numbers out of range', auth, '{"name":1e400,"tags":[-0,9007199254740993]}'],
        ['a string for the whole body', auth, '"just a string"'],
        ['null', auth, 'null'],
        ['an idempotency key of 10 KB', { ...auth, 'idempotency-key': 'k'.repeat(10_000) }, '{"name":"x"}'],
        [
          'an Authorization header of 20 KB',
          { ...auth, authorization: `Bearer ${'a'.repeat(20_000)}` },
          '{"name":"x"}',
        ],
        ['a JSON body on signup with an array', { 'content-type': 'application/json' }, '[]'],
      ];
      for (const [name, headers, body] of cases) {
        const status = await raw(name.includes('signup') ? '/v1/auth/signup' : '/v1/secrets', headers, body);
        figures.hostileRequests++;
        expect({ name, status: status >= 400 && status < 500 }).toEqual({ name, status: true });
      }
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((await send('/v1/health')).status).toBe(200);
    });
  });

  describe('load', () => {
    it(`serves 32 clients for ${LOAD_SECONDS} s of mixed traffic with no 5xx and no lost acknowledged write`, async () => {
      // Arrange: one account per client, so that their writes never contend.
      const clients = await Promise.all(
        Array.from({ length: 32 }, (_, i) => user(`load-${process.pid}-${i}`)),
      );
      const latencies: number[] = [];
      const owned = new Map<string, { name: string; deleted: boolean; version: number; bearer: string }>();
      let errors5xx = 0;
      let signups = 0;
      const end = Date.now() + LOAD_SECONDS * 1000;
      const timed = async <T>(op: () => Promise<TestResponse<T>>) => {
        const t = process.hrtime.bigint();
        const res = await op();
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (res.status >= 500) errors5xx++;
        return res;
      };

      // Act
      await Promise.all(
        clients.map(async (c, n) => {
          const mine: string[] = [];
          let i = 0;
          while (Date.now() < end) {
            i++;
            const roll = (i * 7 + n) % 20;
            const target = mine[i % Math.max(1, mine.length)];
            if (roll < 4 || target === undefined) {
              const name = `load ${n}-${i}`;
              const res = await timed(() => create(c, name));
              if (res.status === 201) {
                mine.push(res.body.id);
                owned.set(res.body.id, { name, deleted: false, version: 1, bearer: c.bearer });
              }
            } else if (roll < 11) {
              await timed(() => send(`/v1/secrets/${target}`, { bearer: c.bearer }));
            } else if (roll < 14) {
              const state = owned.get(target);
              if (state && !state.deleted) {
                const name = `${state.name} v${state.version + 1}`;
                const res = await timed(() =>
                  send(`/v1/secrets/${target}`, {
                    method: 'PUT',
                    bearer: c.bearer,
                    headers: { 'if-match': `"${state.version}"` },
                    body: { name, password: `${MARK}-${name}` },
                  }),
                );
                if (res.status === 200) owned.set(target, { ...state, name, version: state.version + 1 });
              }
            } else if (roll < 17) {
              await timed(() => send('/v1/secrets?limit=50', { bearer: c.bearer }));
            } else if (roll < 18) {
              const state = owned.get(target);
              if (state && !state.deleted) {
                const res = await timed(() =>
                  send(`/v1/secrets/${target}`, { method: 'DELETE', bearer: c.bearer }),
                );
                if (res.status === 204) {
                  owned.set(target, { ...state, deleted: true });
                  mine.splice(mine.indexOf(target), 1);
                }
              }
            } else if (roll < 19) {
              await timed(() =>
                send('/v1/auth/login', { method: 'POST', body: { username: c.name, password: c.password } }),
              );
            } else {
              signups++;
              await timed(() =>
                send('/v1/auth/signup', {
                  method: 'POST',
                  body: { username: `load-new-${process.pid}-${n}-${i}`, password: 'a new load passphrase' },
                }),
              );
            }
          }
        }),
      );

      // Assert: every acknowledged write reads back as last acknowledged.
      let lost = 0;
      for (const [secretId, state] of owned) {
        const res = await send<{ name: string; version: number; password?: string }>(
          `/v1/secrets/${secretId}`,
          { bearer: state.bearer },
        );
        const ok = state.deleted
          ? res.status === 404
          : res.status === 200 && res.body.name === state.name && res.body.version === state.version;
        if (!ok) lost++;
      }
      figures.load = {
        requests: latencies.length,
        errors5xx,
        p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
        p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
        clients: 32,
        seconds: LOAD_SECONDS,
        writesChecked: owned.size,
        lostWrites: lost,
        signups,
      };
      expect(errors5xx).toBe(0);
      expect(lost).toBe(0);
      expect(owned.size).toBeGreaterThan(32);
    });
  });

  it('logs no plaintext secret, password or token across the suite', () => {
    const all = logs.text();
    expect(all).toContain('"service":"kmsvault-auth"');
    expect(all).not.toContain(MARK);
    for (const s of secrets) expect(all).not.toContain(s);
    expect(figures.status5xx).toBe(0);
  });
});
