import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { buildOpenApi, type SecretMetadata as Meta, type Secret, wordlist } from '@kmsvault/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { type LocalStack, startLocalStack } from '../../src/stack';
import {
  call,
  captureStdout,
  kmsStats,
  OpenApiRecorder,
  resetKmsStats,
  type TestRequest,
  type TestResponse,
} from '../../src/testing';

type Problem = {
  code: string;
  detail: string;
  status: number;
  instance?: string;
  errors?: { path: string; message: string }[];
};
type Page = { items: Meta[]; nextCursor: string | null };

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };
/** Values that must never appear in storage or logs: every plaintext field the suite writes carries this marker. */
const MARK = 'PLAINTEXT-MARK';

describe('Secrets API over HTTP', () => {
  let stack: LocalStack;
  const recorder = new OpenApiRecorder();
  let logs: ReturnType<typeof captureStdout>;
  const tokens: string[] = [];
  let counter = 0;

  beforeAll(async () => {
    logs = captureStdout();
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-secrets-')),
      config: { scrypt: FAST_SCRYPT, historyDepth: 3, trashRetentionDays: 7 },
      logLevel: 'DEBUG',
    });
  });

  afterAll(async () => {
    await stack.stop();
    logs.restore();
  });

  /** A signed-up, logged-in user with helpers that record every response for the OpenAPI check. */
  async function newUser() {
    const username = `secrets-${process.pid}-${++counter}`;
    const password = `${MARK} login password ${counter}`;
    const send = async <T = unknown>(path: string, req: TestRequest = {}): Promise<TestResponse<T>> => {
      const res = await call<T>(stack.info.apiUrl, path, req);
      const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
      recorder.record(
        method,
        path,
        res.status,
        res.headers['content-type'] as string | undefined,
        res.body ?? undefined,
      );
      return res;
    };
    await send('/v1/auth/signup', { method: 'POST', body: { username, password } });
    const login = await send<{ accessToken: string; refreshToken: string }>('/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    tokens.push(login.body.accessToken, login.body.refreshToken);
    const bearer = login.body.accessToken;
    let keys = 0;
    const api = {
      send,
      get: <T = unknown>(path: string) => send<T>(path, { bearer }),
      post: <T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) =>
        send<T>(path, { method: 'POST', bearer, headers, ...(body === undefined ? {} : { body }) }),
      put: <T = unknown>(path: string, body: unknown, headers: Record<string, string> = {}) =>
        send<T>(path, { method: 'PUT', bearer, headers, body }),
      del: <T = unknown>(path: string) => send<T>(path, { method: 'DELETE', bearer }),
      create: async (body: Record<string, unknown>) => {
        const res = await api.post<{ id: string; version: number }>('/v1/secrets', body, {
          'idempotency-key': `k-${++keys}`,
        });
        expect(res.status).toBe(201);
        return res.body;
      },
    };
    return api;
  }

  const full = (n: string) => ({
    name: `${MARK} ${n}`,
    url: `https://www.${n}.example/login`,
    username: `${MARK}-user-${n}`,
    password: `${MARK}-password-${n}`,
    notes: `${MARK} notes for ${n}`,
    tags: ['work', n],
    folder: 'Finance',
  });

  describe('POST /v1/secrets', () => {
    it('creates a secret: 201 with id, version 1 and ETag', async () => {
      const api = await newUser();
      const res = await api.post<{ id: string; version: number }>('/v1/secrets', full('bank'), {
        'idempotency-key': 'a',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 1 });
      expect(res.headers.etag).toBe('"1"');
    });

    it('returns the same response for a retry with the same key and body, creating nothing more', async () => {
      const api = await newUser();
      const first = await api.post('/v1/secrets', full('retry'), { 'idempotency-key': 'same' });
      const again = await api.post('/v1/secrets', full('retry'), { 'idempotency-key': 'same' });
      expect(again.status).toBe(first.status);
      expect(again.body).toEqual(first.body);
      expect((await api.get<Page>('/v1/secrets')).body.items).toHaveLength(1);
    });

    it('answers 422 for the same key with another body', async () => {
      const api = await newUser();
      await api.post('/v1/secrets', full('one'), { 'idempotency-key': 'reuse' });
      const res = await api.post<Problem>('/v1/secrets', full('two'), { 'idempotency-key': 'reuse' });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('idempotency_key_reused');
      expect((await api.get<Page>('/v1/secrets')).body.items).toHaveLength(1);
    });

    it('keys idempotency per user: the same key from another user creates their own secret', async () => {
      const alice = await newUser();
      const bob = await newUser();
      const a = await alice.post<{ id: string }>('/v1/secrets', full('shared'), {
        'idempotency-key': 'shared-key',
      });
      const b = await bob.post<{ id: string }>('/v1/secrets', full('shared'), {
        'idempotency-key': 'shared-key',
      });
      expect(b.status).toBe(201);
      expect(b.body.id).not.toBe(a.body.id);
    });

    it('answers 400 without an Idempotency-Key', async () => {
      const api = await newUser();
      const res = await api.post<Problem>('/v1/secrets', full('nokey'));
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.path).toBe('Idempotency-Key');
    });
  });

  describe('GET /v1/secrets/{id}', () => {
    it('answers the decrypted secret with ETag = its version', async () => {
      const api = await newUser();
      const { id } = await api.create(full('read'));
      const res = await api.get<Secret>(`/v1/secrets/${id}`);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      const sent = full('read');
      expect(res.body).toEqual({
        id,
        version: 1,
        ...sent,
        // A login (the default type), its one URI also as uris, with the default match rule.
        type: 'login',
        favorite: false,
        uris: [{ uri: sent.url, match: 'domain' }],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it("answers 404 with one body for another user's id, a deleted id, an unknown id and a malformed one", async () => {
      const alice = await newUser();
      const bob = await newUser();
      const { id: bobs } = await bob.create(full('bobs'));
      const { id: deleted } = await alice.create(full('deleted'));
      await alice.del(`/v1/secrets/${deleted}`);
      const bodies = [];
      for (const id of [bobs, deleted, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
        const res = await alice.get<Problem>(`/v1/secrets/${id}`);
        expect(res.status).toBe(404);
        const { instance: _i, ...rest } = res.body;
        bodies.push(rest);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect((await bob.get(`/v1/secrets/${bobs}`)).status).toBe(200);
    });
  });

  describe('PUT /v1/secrets/{id}', () => {
    it('answers 428 without If-Match, 412 with a stale one, 200 with the new version, keeping the previous', async () => {
      // Arrange
      const api = await newUser();
      const { id } = await api.create(full('put'));

      // Act
      const missing = await api.put<Problem>(`/v1/secrets/${id}`, { name: 'v2' });
      const ok = await api.put<{ version: number }>(
        `/v1/secrets/${id}`,
        { name: `${MARK} v2` },
        { 'if-match': '"1"' },
      );
      const stale = await api.put<Problem>(`/v1/secrets/${id}`, { name: 'v3' }, { 'if-match': '"1"' });

      // Assert
      expect(missing.status).toBe(428);
      expect(missing.body.code).toBe('precondition_required');
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ id, version: 2 });
      expect(ok.headers.etag).toBe('"2"');
      expect(stale.status).toBe(412);
      expect((await api.get<Secret>(`/v1/secrets/${id}`)).body.name).toBe(`${MARK} v2`);
      expect((await api.get<Secret>(`/v1/secrets/${id}/versions/1`)).body).toMatchObject(full('put'));
    });
  });

  describe('versions', () => {
    it('lists versions newest first, reads one, restores one as a new version, and prunes past the history depth', async () => {
      // Arrange: history depth is 3 in this stack.
      const api = await newUser();
      const { id } = await api.create({ name: 'v1' });
      for (let v = 1; v <= 5; v++)
        await api.put(`/v1/secrets/${id}`, { name: `v${v + 1}` }, { 'if-match': `"${v}"` });

      // Act
      const versions = await api.get<{ items: { version: number }[] }>(`/v1/secrets/${id}/versions`);
      const v4 = await api.get<Secret>(`/v1/secrets/${id}/versions/4`);
      const pruned = await api.get(`/v1/secrets/${id}/versions/2`);
      const restored = await api.post<{ version: number }>(`/v1/secrets/${id}/versions/4/restore`);

      // Assert
      expect(versions.body.items.map((v) => v.version)).toEqual([6, 5, 4, 3]);
      expect(v4.body).toMatchObject({ version: 4, name: 'v4' });
      expect(pruned.status).toBe(404);
      expect(restored.body.version).toBe(7);
      expect((await api.get<Secret>(`/v1/secrets/${id}`)).body).toMatchObject({ version: 7, name: 'v4' });
    });
  });

  describe('trash', () => {
    it('moves a deleted secret to the trash with a TTL, restores it, and purges it with its versions', async () => {
      // Arrange
      const api = await newUser();
      const { id } = await api.create(full('trash'));
      await api.put(`/v1/secrets/${id}`, full('trash2'), { 'if-match': '"1"' });

      // Act + Assert: delete
      expect((await api.del(`/v1/secrets/${id}`)).status).toBe(204);
      expect((await api.get(`/v1/secrets/${id}`)).status).toBe(404);
      const trash = await api.get<{ items: (Meta & { deletedAt: string; purgeAt: string })[] }>('/v1/trash');
      expect(trash.body.items.map((t) => t.id)).toEqual([id]);
      const purgeAt = Date.parse(trash.body.items[0]?.purgeAt as string);
      expect(Math.abs(purgeAt - (Date.now() + 7 * 86_400_000))).toBeLessThan(120_000);
      expect(trash.body.items[0]).not.toHaveProperty('password');

      // restore
      const restored = await api.post(`/v1/trash/${id}/restore`);
      expect(restored.status).toBe(200);
      expect((await api.get<Secret>(`/v1/secrets/${id}`)).body).toMatchObject(full('trash2'));
      expect((await api.get<Page>('/v1/trash')).body).toEqual({ items: [] });

      // purge
      await api.del(`/v1/secrets/${id}`);
      expect((await api.del(`/v1/trash/${id}`)).status).toBe(204);
      expect((await api.get<Page>('/v1/trash')).body).toEqual({ items: [] });
      expect((await api.del(`/v1/trash/${id}`)).status).toBe(404);
      expect((await api.post(`/v1/trash/${id}/restore`)).status).toBe(404);
      const raw = await stack.dynamodb.send(new ScanCommand({ TableName: stack.config.tables.vault }));
      expect((raw.Items ?? []).map((i) => unmarshall(i)).filter((i) => String(i.sk).includes(id))).toEqual(
        [],
      );
    });
  });

  describe('GET /v1/secrets', () => {
    it('lists metadata only, filtered by q, site, tag and folder', async () => {
      // Arrange
      const api = await newUser();
      await api.create({
        name: 'GitHub',
        url: 'https://github.com/login',
        username: 'octo',
        tags: ['dev'],
        folder: 'Work',
      });
      await api.create({
        name: 'Gist',
        url: 'https://WWW.GitHub.com/gist',
        username: 'cat',
        tags: ['Dev', 'code'],
      });
      await api.create({
        name: 'Bank',
        url: 'https://bank.example',
        username: 'me@github-fan.example',
        folder: 'work',
      });
      await api.create({ name: 'Notes only', notes: 'nothing else' });
      const names = (p: TestResponse<Page>) => p.body.items.map((i) => i.name);

      // Act
      const all = await api.get<Page>('/v1/secrets');
      const q = await api.get<Page>('/v1/secrets?q=GITHUB');
      const site = await api.get<Page>('/v1/secrets?site=github.com');
      const tag = await api.get<Page>('/v1/secrets?tag=dev');
      const folder = await api.get<Page>('/v1/secrets?folder=WORK');

      // Assert
      expect(names(all)).toEqual(['Bank', 'Gist', 'GitHub', 'Notes only']);
      for (const item of all.body.items) {
        expect(item).not.toHaveProperty('password');
        expect(item).not.toHaveProperty('notes');
      }
      expect(names(q)).toEqual(['Bank', 'Gist', 'GitHub']);
      expect(names(site)).toEqual(['Gist', 'GitHub']);
      expect(names(tag)).toEqual(['Gist', 'GitHub']);
      expect(names(folder)).toEqual(['Bank', 'GitHub']);
    });

    it('pages with limit and an opaque cursor, each item once; a tampered cursor is 400', async () => {
      // Arrange
      const api = await newUser();
      for (let i = 0; i < 7; i++) await api.create({ name: `item ${i}` });

      // Act
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: TestResponse<Page> = await api.get<Page>(
          `/v1/secrets?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.body.items.map((i) => i.name));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      const first = await api.get<Page>('/v1/secrets?limit=3');
      const tampered = `${(first.body.nextCursor as string).slice(0, -2)}xx`;
      const bad = await api.get<Problem>(`/v1/secrets?cursor=${tampered}`);
      const forged = Buffer.from(JSON.stringify({ n: 'item 5', i: 'x' })).toString('base64url');
      const badBody = await api.get<Problem>(
        `/v1/secrets?cursor=${forged}.${(first.body.nextCursor as string).split('.')[1]}`,
      );

      // Assert
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `item ${i}`));
      expect(pages).toBe(3);
      expect(bad.status).toBe(400);
      expect(badBody.status).toBe(400);
      expect((await api.get('/v1/secrets?limit=0')).status).toBe(400);
    });
  });

  describe('POST /v1/generate', () => {
    it('generates character passwords with every class asked for and reports the entropy', async () => {
      const api = await newUser();
      const res = await api.post<{ password: string; entropyBits: number }>('/v1/generate', { length: 24 });
      expect(res.status).toBe(200);
      expect(res.body.password).toHaveLength(24);
      for (const cls of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(res.body.password).toMatch(cls);
      expect(res.body.entropyBits).toBeGreaterThan(150);
      expect(res.body.entropyBits).toBeLessThan(24 * Math.log2(90));
    });

    it('leaves ambiguous characters out when asked and honours single classes', async () => {
      const api = await newUser();
      const clear = await api.post<{ password: string }>('/v1/generate', {
        length: 128,
        excludeAmbiguous: true,
      });
      expect(clear.body.password).not.toMatch(/[Il1|O0o`'"]/);
      const digits = await api.post<{ password: string; entropyBits: number }>('/v1/generate', {
        length: 10,
        lowercase: false,
        uppercase: false,
        symbols: false,
      });
      expect(digits.body.password).toMatch(/^[0-9]{10}$/);
      expect(digits.body.entropyBits).toBeCloseTo(33.2, 1);
    });

    it('draws digits uniformly (chi-square over 25,600 digits, p > 1e-6)', async () => {
      const api = await newUser();
      const counts = new Array(10).fill(0);
      for (let i = 0; i < 200; i++) {
        const res = await api.post<{ password: string }>('/v1/generate', {
          length: 128,
          lowercase: false,
          uppercase: false,
          symbols: false,
        });
        for (const ch of res.body.password) counts[Number(ch)]++;
      }
      const expected = 25_600 / 10;
      const chi = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      expect(chi).toBeLessThan(46.6); // 9 degrees of freedom
    });

    it('generates passphrases from the shipped EFF wordlist', async () => {
      const api = await newUser();
      const res = await api.post<{ password: string; entropyBits: number }>('/v1/generate', {
        words: 6,
        separator: ' ',
      });
      const words = res.body.password.split(' ');
      expect(words).toHaveLength(6);
      for (const w of words) expect(wordlist()).toContain(w);
      expect(res.body.entropyBits).toBe(77.5);
      expect(wordlist()).toHaveLength(7776);
    });

    it('answers 400 for a length out of range, no class, or a mixed request', async () => {
      const api = await newUser();
      for (const body of [
        { length: 7 },
        { length: 129 },
        { lowercase: false, uppercase: false, digits: false, symbols: false },
        { words: 2 },
        { words: 5, length: 20 },
      ]) {
        expect((await api.post('/v1/generate', body)).status).toBe(400);
      }
    });
  });

  describe('import and export', () => {
    const bitwardenJson = JSON.stringify({
      encrypted: false,
      folders: [{ id: 'f1', name: 'Social' }],
      items: [
        {
          type: 1,
          name: `${MARK} Mastodon`,
          folderId: 'f1',
          notes: `${MARK} toot`,
          login: { uris: [{ uri: 'https://mastodon.example' }], username: 'me', password: `${MARK}-pw-1` },
          fields: [{ name: 'tags', value: 'social,fun' }],
        },
        { type: 1, name: 'x'.repeat(300), login: {} },
        { type: 2, name: 'A secure note', notes: `${MARK} note` },
      ],
    });
    const bitwardenCsv = [
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
      `Work,,login,${MARK} Jira,,tags: dev,0,https://jira.example,jo,${MARK}-pw-2,`,
      ',,login,,,,0,https://nameless.example,,,',
    ].join('\n');
    const chromeCsv = [
      'name,url,username,password,note',
      `,https://chrome.example,cu,${MARK}-pw-3,`,
      `Plain,https://plain.example,pu,${MARK}-pw-4,"a, quoted ${MARK} note"`,
    ].join('\n');

    it.each([
      ['bitwarden-json', bitwardenJson, 2, [2]],
      ['bitwarden-csv', bitwardenCsv, 1, [2]],
      ['chrome-csv', chromeCsv, 2, []],
    ] as const)(
      'imports %s: counts, per-row errors, each row whole or not at all',
      async (format, content, imported, failedRows) => {
        const api = await newUser();
        const res = await api.post<{
          imported: number;
          failed: number;
          errors: { row: number; message: string }[];
          ids: string[];
        }>('/v1/import', { format, content }, { 'idempotency-key': `import-${format}` });
        expect(res.status).toBe(200);
        expect(res.body.imported).toBe(imported);
        expect(res.body.errors.map((e) => e.row)).toEqual(failedRows);
        expect(res.body.failed).toBe(failedRows.length);
        expect(JSON.stringify(res.body.errors)).not.toContain(MARK);
        const list = await api.get<Page>('/v1/secrets');
        expect(list.body.items.map((i) => i.id).sort()).toEqual([...res.body.ids].sort());
      },
    );

    it('reads back what an import stored, field by field', async () => {
      const api = await newUser();
      const res = await api.post<{ ids: string[] }>(
        '/v1/import',
        { format: 'bitwarden-json', content: bitwardenJson },
        { 'idempotency-key': 'i' },
      );
      const first = await api.get<Secret>(`/v1/secrets/${res.body.ids[0]}`);
      expect(first.body).toMatchObject({
        name: `${MARK} Mastodon`,
        url: 'https://mastodon.example',
        username: 'me',
        password: `${MARK}-pw-1`,
        notes: `${MARK} toot`,
        folder: 'Social',
        tags: ['social', 'fun'],
      });
    });

    it('answers 400 for content that is not the format named', async () => {
      const api = await newUser();
      const res = await api.post<Problem>(
        '/v1/import',
        { format: 'bitwarden-json', content: 'not json' },
        { 'idempotency-key': 'x' },
      );
      expect(res.status).toBe(400);
      const csv = await api.post<Problem>(
        '/v1/import',
        { format: 'chrome-csv', content: 'a,b\n1,2' },
        { 'idempotency-key': 'y' },
      );
      expect(csv.status).toBe(400);
      expect(csv.body.detail).toMatch(/column/);
    });

    it('exports JSON and CSV that import back into another account unchanged', async () => {
      // Arrange
      const alice = await newUser();
      await alice.create(full('export-a'));
      await alice.create({ name: 'Plain', notes: 'line one\nline "two", with comma' });

      // Act
      const json = await alice.get<{ items: unknown[] }>('/v1/export?format=json');
      const csv = await alice.get('/v1/export?format=csv');
      const bob = await newUser();
      const carol = await newUser();
      await bob.post(
        '/v1/import',
        { format: 'bitwarden-json', content: json.text },
        { 'idempotency-key': 'j' },
      );
      await carol.post(
        '/v1/import',
        { format: 'bitwarden-csv', content: csv.text },
        { 'idempotency-key': 'c' },
      );

      // Assert
      expect(json.headers['content-disposition']).toBe('attachment; filename="kmsvault-export.json"');
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const strip = (s: Secret) => {
        const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ...rest } = s;
        return rest;
      };
      const original = (await alice.get<{ items: Secret[] }>('/v1/export?format=json')).body;
      for (const other of [bob, carol]) {
        const ids = (await other.get<Page>('/v1/secrets')).body.items.map((i) => i.id);
        const copies = await Promise.all(
          ids.map(async (id) => strip((await other.get<Secret>(`/v1/secrets/${id}`)).body)),
        );
        const aliceIds = (await alice.get<Page>('/v1/secrets')).body.items.map((i) => i.id);
        const originals = await Promise.all(
          aliceIds.map(async (id) => strip((await alice.get<Secret>(`/v1/secrets/${id}`)).body)),
        );
        expect(copies).toEqual(originals);
      }
      expect(original.items).toHaveLength(2);
    });
  });

  describe('limits and bad input', () => {
    it('answers 400 naming every field over its limit, and stores nothing', async () => {
      const api = await newUser();
      const res = await api.post<Problem>(
        '/v1/secrets',
        {
          name: 'n'.repeat(257),
          url: 'u'.repeat(2049),
          username: 'x'.repeat(513),
          password: 'p'.repeat(4097),
          notes: 'z'.repeat(65_537),
          tags: Array.from({ length: 33 }, (_, i) => `t${i}`),
          folder: 'f'.repeat(257),
        },
        { 'idempotency-key': 'limits' },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors?.map((e) => e.path).sort()).toEqual([
        'folder',
        'name',
        'notes',
        'password',
        'tags',
        'url',
        'username',
      ]);
      const tag = await api.post<Problem>(
        '/v1/secrets',
        { name: 'ok', tags: ['t'.repeat(65)] },
        { 'idempotency-key': 'tag' },
      );
      expect(tag.body.errors?.[0]?.path).toBe('tags.0');
      expect((await api.get<Page>('/v1/secrets')).body.items).toEqual([]);
    });

    it('accepts every field at its limit', async () => {
      const api = await newUser();
      const { id } = await api.create({
        name: 'n'.repeat(256),
        url: 'u'.repeat(2048),
        username: 'x'.repeat(512),
        password: 'p'.repeat(4096),
        notes: 'z'.repeat(65_536),
        tags: Array.from({ length: 32 }, (_, i) => `${i}`.padEnd(64, 't')),
        folder: 'f'.repeat(256),
      });
      expect((await api.get<Secret>(`/v1/secrets/${id}`)).body.notes).toHaveLength(65_536);
    });

    it('answers 413 over 256 KB, 400 for unknown fields and malformed JSON, 415 for another content type', async () => {
      const api = await newUser();
      const big = await api.post<Problem>(
        '/v1/secrets',
        { name: 'big', notes: 'z'.repeat(300_000) },
        { 'idempotency-key': 'big' },
      );
      const unknown = await api.post<Problem>(
        '/v1/secrets',
        { name: 'x', colour: 'red' },
        { 'idempotency-key': 'u' },
      );
      expect(big.status).toBe(413);
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors?.[0]?.message).toMatch(/colour/);
      const malformed = await api.put<Problem>(
        '/v1/secrets/00000000-0000-4000-8000-000000000000',
        '{"name":',
        {
          'content-type': 'application/json',
          'if-match': '"1"',
        },
      );
      expect(malformed.status).toBe(400);
      expect(malformed.body.detail).toMatch(/not valid JSON/);
      const text = await api.put<Problem>('/v1/secrets/00000000-0000-4000-8000-000000000000', 'name=x', {
        'content-type': 'text/plain',
        'if-match': '"1"',
      });
      expect(text.status).toBe(415);
      expect((await api.get<Page>('/v1/secrets')).body.items).toEqual([]);
    });
  });

  describe('KMS calls with a warm cache', () => {
    it('costs 0 KMS calls to create, read, update, list and search', async () => {
      // Arrange
      const api = await newUser();
      const { id } = await api.create(full('warm'));
      await api.get(`/v1/secrets/${id}`);
      const counts: Record<string, Record<string, number>> = {};
      const measure = async (name: string, op: () => Promise<TestResponse>) => {
        await resetKmsStats(stack.info.kmsEndpoint);
        const res = await op();
        expect(res.status).toBeLessThan(300);
        counts[name] = await kmsStats(stack.info.kmsEndpoint);
      };

      // Act
      await measure('create', () => api.post('/v1/secrets', full('warm2'), { 'idempotency-key': 'warm2' }));
      await measure('read', () => api.get(`/v1/secrets/${id}`));
      await measure('update', () => api.put(`/v1/secrets/${id}`, full('warm3'), { 'if-match': '"1"' }));
      await measure('list', () => api.get('/v1/secrets'));
      await measure('search', () => api.get('/v1/secrets?site=warm3.example'));

      // Assert
      expect(counts).toEqual({ create: {}, read: {}, update: {}, list: {}, search: {} });
    });
  });

  describe('GET /v1/openapi.json', () => {
    it('is a valid OpenAPI 3.1 document (by an independent validator) covering every route', async () => {
      const res = await call<Record<string, unknown>>(stack.info.apiUrl, '/v1/openapi.json');
      const validator = new Validator();
      const result = await validator.validate(res.body);
      expect(result).toEqual({ valid: true });
      expect(res.body.openapi).toBe('3.1.0');
      const paths = res.body.paths as Record<string, Record<string, { operationId: string }>>;
      const operations = Object.values(paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
      for (const id of [
        'signup',
        'login',
        'refresh',
        'logout',
        'changePassword',
        'deleteAccount',
        'getJwks',
        'createSecret',
        'importSecrets',
        'exportSecrets',
        'generatePassword',
        'purgeTrash',
      ]) {
        expect(operations).toContain(id);
      }
      const broken = await new Validator().validate({ ...res.body, info: undefined });
      expect(broken.valid).toBe(false);
    });
  });

  // These run last: they read what the whole suite left behind.
  describe('after the suite', () => {
    it('validates every response the suite received against the OpenAPI document', () => {
      expect(recorder.count).toBeGreaterThan(150);
      expect(recorder.check(buildOpenApi())).toEqual([]);
    });

    it('stores no plaintext field in any DynamoDB item, vault or idempotency table', async () => {
      for (const table of [stack.config.tables.vault, stack.config.tables.idempotency]) {
        const out = await stack.dynamodb.send(new ScanCommand({ TableName: table }));
        expect(out.Items?.length).toBeGreaterThan(0);
        const raw = JSON.stringify(out.Items, (_k, v) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
        );
        expect(raw).not.toContain(MARK);
        expect(raw).not.toContain('mastodon');
        expect(raw).not.toContain('github');
      }
    });

    it('logs no plaintext secret, password or token', () => {
      const all = logs.text();
      expect(all).toContain('"service":"kmsvault-secrets"');
      expect(all).not.toContain(MARK);
      for (const token of tokens) expect(all).not.toContain(token);
    });
  });
});
