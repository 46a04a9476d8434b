import { createHash, randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  buildOpenApi,
  documentClient,
  HEAD_ENTITY,
  HeadRepository,
  ItemEncryptor,
  KeyCache,
  MAX_HEAD_ENTRIES,
  type SecretMetadata as Meta,
  type Secret,
  SecretRepository,
  SecretService,
  UserKeyring,
  UserRepository,
  VaultHead,
} from '@kmsvault/core';
import type { LocalStack } from '../../src/stack';
import {
  call,
  type captureStdout,
  kmsStats,
  OpenApiRecorder,
  resetKmsStats,
  startTestStack,
  type TestRequest,
  type TestResponse,
  type TestStack,
} from '../../src/testing';

type Problem = { code: string; detail: string; status: number };
type Unreadable = { id: string; code: string };
type Page = { items: Meta[]; nextCursor: string | null; unreadable?: Unreadable[] };
type Trashed = Meta & { deletedAt: string; purgeAt: string };
type Trash = { items: Trashed[]; unreadable?: Unreadable[] };
type Versions = {
  items: { version: number; updatedAt: string }[];
  unreadable?: { version: number; code: string }[];
};
type Raw = Record<string, AttributeValue>;

const RETENTION_DAYS = 7;

/**
 * What an attacker with write access to the vault table (a leaked role, a
 * restored backup, a mis-scoped grant) can do to one user's items, and what
 * the API must answer: issue 13, items 3 (rollback), 11 (one unreadable item),
 * 12 (versions and trash verified before shown) and 15 (idempotency hash).
 */
describe('Secrets API: integrity against a table writer', () => {
  let stack: LocalStack;
  const recorder = new OpenApiRecorder();
  let logs: ReturnType<typeof captureStdout>;
  let counter = 0;

  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack(
      'integrity',
      { historyDepth: 3, trashRetentionDays: RETENTION_DAYS },
      'WARN',
    );
    ({ stack, logs } = suite);
  });

  afterAll(() => suite?.stop());

  // ---- raw table access: the attacker's tools ------------------------------

  const table = () => stack.config.tables.vault;
  const rawGet = async (pk: string, sk: string): Promise<Raw | undefined> =>
    (
      await stack.dynamodb.send(
        new GetItemCommand({
          TableName: table(),
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const rawPut = (item: Raw) => stack.dynamodb.send(new PutItemCommand({ TableName: table(), Item: item }));
  const rawDelete = (pk: string, sk: string) =>
    stack.dynamodb.send(new DeleteItemCommand({ TableName: table(), Key: { pk: { S: pk }, sk: { S: sk } } }));
  /** The user's items under a sort-key prefix; all of them without one. */
  const rawQuery = async (pk: string, prefix?: string): Promise<Raw[]> =>
    (
      await stack.dynamodb.send(
        new QueryCommand({
          TableName: table(),
          KeyConditionExpression: prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: {
            ':pk': { S: pk },
            ...(prefix === undefined ? {} : { ':p': { S: prefix } }),
          },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  const scanAll = async (tableName = table()): Promise<Raw[]> => {
    const items: Raw[] = [];
    let start: Raw | undefined;
    do {
      const page = await stack.dynamodb.send(
        new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };

  /** A signed-up, logged-in user; every response is recorded for the OpenAPI check. */
  async function newUser() {
    const username = `integrity-${process.pid}-${++counter}`;
    const password = `a long login password ${counter}`;
    const send = async <T = unknown>(path: string, req: TestRequest = {}): Promise<TestResponse<T>> => {
      const res = await call<T>(stack.info.apiUrl, path, req);
      recorder.record(
        req.method ?? (req.body === undefined ? 'GET' : 'POST'),
        path,
        res.status,
        res.headers['content-type'] as string | undefined,
        res.body ?? undefined,
      );
      return res;
    };
    const signup = await send<{ userId: string }>('/v1/auth/signup', {
      method: 'POST',
      body: { username, password },
    });
    const login = await send<{ accessToken: string }>('/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    const bearer = login.body.accessToken;
    const pk = `USER#${signup.body.userId}`;
    let keys = 0;
    const api = {
      pk,
      get: <T = unknown>(path: string) => send<T>(path, { bearer }),
      post: <T = unknown>(path: string, body?: unknown, headers: Record<string, string> = {}) =>
        send<T>(path, { method: 'POST', bearer, headers, ...(body === undefined ? {} : { body }) }),
      put: <T = unknown>(path: string, body: unknown, version: number) =>
        send<T>(path, { method: 'PUT', bearer, headers: { 'if-match': `"${version}"` }, body }),
      del: <T = unknown>(path: string) => send<T>(path, { method: 'DELETE', bearer }),
      create: async (body: Record<string, unknown>): Promise<string> => {
        const res = await api.post<{ id: string }>('/v1/secrets', body, { 'idempotency-key': `k-${++keys}` });
        expect(res.status).toBe(201);
        return res.body.id;
      },
    };
    return api;
  }

  const secret = (n: string) => ({
    name: n,
    url: `https://${n}.example/login`,
    username: `user-${n}`,
    password: `password-${n}`,
    notes: `notes for ${n}`,
    tags: ['t'],
  });
  const expectIntegrityError = (res: TestResponse) => {
    expect(res.status).toBe(500);
    expect((res.body as Problem).code).toBe('integrity_error');
    expect(res.text).not.toContain('password-');
  };

  describe('rollback and resurrection (item 3)', () => {
    it('an older signed copy of a secret written back answers integrity_error, and the next If-Match PUT destroys no newer version', async () => {
      // Arrange: v1 is copied, then two updates make v3; the copy of v1 is written back.
      const api = await newUser();
      const id = await api.create(secret('v1'));
      const v1 = (await rawGet(api.pk, `SECRET#${id}`)) as Raw;
      expect((await api.put(`/v1/secrets/${id}`, secret('v2'), 1)).status).toBe(200);
      expect((await api.put(`/v1/secrets/${id}`, secret('v3'), 2)).status).toBe(200);
      const kept = await rawQuery(api.pk, `VERSION#${id}#`);
      await rawPut(v1);

      // Act
      const read = await api.get(`/v1/secrets/${id}`);
      const putOld = await api.put(`/v1/secrets/${id}`, secret('attacker'), 1);
      const putNew = await api.put(`/v1/secrets/${id}`, secret('v4'), 3);
      const versions = await api.get(`/v1/secrets/${id}/versions`);
      const version2 = await api.get(`/v1/secrets/${id}/versions/2`);
      const restore = await api.post(`/v1/secrets/${id}/versions/2/restore`);
      const list = await api.get<Page>('/v1/secrets');

      // Assert
      for (const res of [read, putOld, putNew, versions, version2, restore]) expectIntegrityError(res);
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
      expect(list.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expect(await rawQuery(api.pk, `VERSION#${id}#`)).toEqual(kept);
      expect(unmarshall((await rawGet(api.pk, `SECRET#${id}`)) as Raw).version).toBe(1);
    });

    it('a purged secret written back from a backup is refused on GET and in the list', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('purged'));
      const other = await api.create(secret('other'));
      const backup = (await rawGet(api.pk, `SECRET#${id}`)) as Raw;
      await api.del(`/v1/secrets/${id}`);
      expect((await api.del(`/v1/trash/${id}`)).status).toBe(204);
      await rawPut(backup);

      // Act
      const read = await api.get(`/v1/secrets/${id}`);
      const list = await api.get<Page>('/v1/secrets');
      const search = await api.get<Page>('/v1/secrets?site=purged.example');
      const exported = await api.get<{ items: { id: string }[]; unreadable?: Unreadable[] }>('/v1/export');

      // Assert
      expectIntegrityError(read);
      expect(list.body.items.map((i) => i.id)).toEqual([other]);
      expect(list.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expect(search.body.items).toEqual([]);
      expect(search.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expect(exported.body.items.map((i) => i.id)).toEqual([other]);
      expect(exported.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
    });

    it('a purged trash item written back from a backup is refused in the trash and cannot be restored', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('trash-backup'));
      await api.del(`/v1/secrets/${id}`);
      const backup = (await rawGet(api.pk, `TRASH#${id}`)) as Raw;
      await api.del(`/v1/trash/${id}`);
      await rawPut(backup);

      // Act
      const trash = await api.get<Trash>('/v1/trash');
      const restore = await api.post(`/v1/trash/${id}/restore`);

      // Assert
      expect(trash.status).toBe(200);
      expect(trash.body.items).toEqual([]);
      expect(trash.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expectIntegrityError(restore);
      expect((await api.get(`/v1/secrets/${id}`)).status).toBe(404);
    });

    it('an older trash copy written back over a newer deletion is refused in the trash and on restore', async () => {
      // Arrange: deleted at v1 (copied), restored, updated to v2, deleted again; the v1 copy goes back.
      const api = await newUser();
      const id = await api.create(secret('old-trash'));
      await api.del(`/v1/secrets/${id}`);
      const old = (await rawGet(api.pk, `TRASH#${id}`)) as Raw;
      await api.post(`/v1/trash/${id}/restore`);
      await api.put(`/v1/secrets/${id}`, secret('new-trash'), 1);
      await api.del(`/v1/secrets/${id}`);
      await rawPut(old);

      // Act
      const trash = await api.get<Trash>('/v1/trash');
      const restore = await api.post(`/v1/trash/${id}/restore`);

      // Assert
      expect(trash.body.items).toEqual([]);
      expect(trash.body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expectIntegrityError(restore);
      expect((await api.get(`/v1/secrets/${id}`)).status).toBe(404);
    });

    it('an old copy of a current item written back while the secret is in the trash is refused', async () => {
      const api = await newUser();
      const id = await api.create(secret('in-trash'));
      const copy = (await rawGet(api.pk, `SECRET#${id}`)) as Raw;
      await api.del(`/v1/secrets/${id}`);
      await rawPut(copy);

      expectIntegrityError(await api.get(`/v1/secrets/${id}`));
      expect((await api.get<Page>('/v1/secrets')).body.unreadable).toEqual([{ id, code: 'integrity_error' }]);
      expect((await api.get<Trash>('/v1/trash')).body.items.map((t) => t.id)).toEqual([id]);
    });

    it('deleting the head does not reset protection: the items are unreadable and writes are refused', async () => {
      // Arrange
      const api = await newUser();
      const a = await api.create(secret('head-a'));
      const b = await api.create(secret('head-b'));
      expect(await rawGet(api.pk, 'HEAD')).toBeDefined();
      await rawDelete(api.pk, 'HEAD');

      // Act
      const read = await api.get(`/v1/secrets/${a}`);
      const list = await api.get<Page>('/v1/secrets');
      const create = await api.post('/v1/secrets', secret('head-c'), { 'idempotency-key': 'after-head' });
      const update = await api.put(`/v1/secrets/${b}`, secret('head-b2'), 1);

      // Assert
      expectIntegrityError(read);
      expect(list.body.items).toEqual([]);
      expect(list.body.unreadable?.map((u) => u.id).sort()).toEqual([a, b].sort());
      expectIntegrityError(create);
      expectIntegrityError(update);
      expect(await rawGet(api.pk, 'HEAD')).toBeUndefined();
    });

    it('a tampered head is refused as a whole', async () => {
      const api = await newUser();
      const id = await api.create(secret('head-tamper'));
      const head = (await rawGet(api.pk, 'HEAD')) as Raw;
      await rawPut({ ...head, counter: { N: '99' } });

      expectIntegrityError(await api.get(`/v1/secrets/${id}`));
      expectIntegrityError(await api.get('/v1/secrets'));
      expectIntegrityError(
        await api.post('/v1/secrets', secret('x'), { 'idempotency-key': 'tampered-head' }),
      );
    });

    it('lets concurrent writes to different secrets of one user all succeed', async () => {
      // Arrange
      const api = await newUser();
      const n = 12;

      // Act: every write rewrites the user's head; conflicts on it alone are retried.
      const ids = await Promise.all(Array.from({ length: n }, (_, i) => api.create(secret(`c${i}`))));
      const updates = await Promise.all(
        ids.map((id, i) => api.put(`/v1/secrets/${id}`, secret(`c${i}b`), 1)),
      );
      const deletes = await Promise.all(ids.slice(0, n / 2).map((id) => api.del(`/v1/secrets/${id}`)));
      const restores = await Promise.all(ids.slice(0, 3).map((id) => api.post(`/v1/trash/${id}/restore`)));

      // Assert
      expect(updates.map((r) => r.status)).toEqual(new Array(n).fill(200));
      expect(deletes.map((r) => r.status)).toEqual(new Array(n / 2).fill(204));
      expect(restores.map((r) => r.status)).toEqual([200, 200, 200]);
      const list = await api.get<Page>('/v1/secrets');
      expect(list.body.unreadable).toBeUndefined();
      expect(list.body.items.map((i) => i.id).sort()).toEqual(
        [...ids.slice(0, 3), ...ids.slice(n / 2)].sort(),
      );
      for (const item of list.body.items) expect(item.version).toBe(2);
      expect((await api.get<Trash>('/v1/trash')).body.items).toHaveLength(3);
    });

    it('answers reads that race with writes of the same secret from one consistent state, never integrity_error', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('raced'));
      const other = await api.create(secret('raced-other'));
      let writing = true;

      // Act: a writer moves the secret on while readers read it, its versions and the list.
      const writer = (async () => {
        for (let v = 1; v <= 25; v++) {
          expect((await api.put(`/v1/secrets/${id}`, secret(`raced${v}`), v)).status).toBe(200);
        }
        expect((await api.del(`/v1/secrets/${other}`)).status).toBe(204);
        writing = false;
      })();
      const statuses: number[] = [];
      const readers = Array.from({ length: 3 }, async () => {
        while (writing) {
          for (const path of [
            `/v1/secrets/${id}`,
            `/v1/secrets/${id}/versions`,
            '/v1/secrets',
            '/v1/trash',
          ]) {
            const res = await api.get<Page>(path);
            statuses.push(res.status);
            if (path === '/v1/secrets') expect(res.body.unreadable).toBeUndefined();
          }
        }
      });
      await Promise.all([writer, ...readers]);

      // Assert
      expect(statuses.length).toBeGreaterThan(20);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });

    it('a whole-table point-in-time restore (PITR) reads back without integrity errors', async () => {
      // Arrange: a user with current, updated, deleted and purged secrets; the whole table is copied.
      const api = await newUser();
      const kept = await api.create(secret('kept'));
      const updated = await api.create(secret('updated'));
      await api.put(`/v1/secrets/${updated}`, secret('updated2'), 1);
      const trashed = await api.create(secret('trashed'));
      await api.del(`/v1/secrets/${trashed}`);
      const snapshot = await scanAll();
      const before = {
        list: (await api.get<Page>('/v1/secrets')).body,
        trash: (await api.get<Trash>('/v1/trash')).body,
        versions: (await api.get<Versions>(`/v1/secrets/${updated}/versions`)).body,
      };

      // More writes after the restore point.
      await api.create(secret('after'));
      await api.put(`/v1/secrets/${updated}`, secret('updated3'), 2);
      await api.del(`/v1/secrets/${kept}`);
      await api.del(`/v1/trash/${kept}`);
      await api.del(`/v1/trash/${trashed}`);

      // Act: the table goes back to the snapshot, whole: every item put back, every newer one deleted.
      const keyOf = (i: Raw) => `${i.pk?.S}\u0000${i.sk?.S}`;
      const inSnapshot = new Set(snapshot.map(keyOf));
      for (const item of await scanAll()) {
        if (!inSnapshot.has(keyOf(item))) await rawDelete(item.pk?.S as string, item.sk?.S as string);
      }
      for (const item of snapshot) await rawPut(item);

      // Assert
      const after = {
        list: (await api.get<Page>('/v1/secrets')).body,
        trash: (await api.get<Trash>('/v1/trash')).body,
        versions: (await api.get<Versions>(`/v1/secrets/${updated}/versions`)).body,
      };
      expect(after).toEqual(before);
      expect(after.list.unreadable).toBeUndefined();
      expect(after.list.items.map((i) => i.id).sort()).toEqual([kept, updated].sort());
      for (const id of [kept, updated]) expect((await api.get(`/v1/secrets/${id}`)).status).toBe(200);
      expect((await api.get<Secret>(`/v1/secrets/${updated}`)).body.name).toBe('updated2');
      expect((await api.post(`/v1/trash/${trashed}/restore`)).status).toBe(200);
      expect((await api.put(`/v1/secrets/${updated}`, secret('updated4'), 2)).status).toBe(200);
    });
  });

  describe('one unreadable item (item 11)', () => {
    /** Breaks an item's signature the way a bit flip or a foreign write would. */
    const tamper = async (pk: string, sk: string) => {
      const item = (await rawGet(pk, sk)) as Raw;
      await rawPut({ ...item, updatedAt: { S: '2001-01-01T00:00:00.000Z' } });
    };

    it('leaves list, search, trash and export answering with the readable items and naming the unreadable one', async () => {
      // Arrange: three secrets, one of them unreadable; two in the trash, one of them unreadable.
      const api = await newUser();
      const good = await api.create(secret('good'));
      const bad = await api.create(secret('bad'));
      const fine = await api.create(secret('fine'));
      const trashedGood = await api.create(secret('trashed-good'));
      const trashedBad = await api.create(secret('trashed-bad'));
      await api.del(`/v1/secrets/${trashedGood}`);
      await api.del(`/v1/secrets/${trashedBad}`);
      await tamper(api.pk, `SECRET#${bad}`);
      await tamper(api.pk, `TRASH#${trashedBad}`);

      // Act
      const list = await api.get<Page>('/v1/secrets');
      const search = await api.get<Page>('/v1/secrets?site=bad.example');
      const trash = await api.get<Trash>('/v1/trash');
      const json = await api.get<{ items: { id: string }[]; unreadable?: Unreadable[] }>('/v1/export');
      const csv = await api.get('/v1/export?format=csv');

      // Assert
      const unreadable = [{ id: bad, code: 'integrity_error' }];
      expect(list.status).toBe(200);
      expect(list.body.items.map((i) => i.id).sort()).toEqual([good, fine].sort());
      expect(list.body.unreadable).toEqual(unreadable);
      expect(search.status).toBe(200);
      expect(search.body.items).toEqual([]);
      expect(search.body.unreadable).toEqual(unreadable);
      expect(trash.status).toBe(200);
      expect(trash.body.items.map((i) => i.id)).toEqual([trashedGood]);
      expect(trash.body.unreadable).toEqual([{ id: trashedBad, code: 'integrity_error' }]);
      expect(json.status).toBe(200);
      expect(json.body.items.map((i) => i.id).sort()).toEqual([good, fine].sort());
      expect(json.body.unreadable).toEqual(unreadable);
      expect(csv.status).toBe(200);
      expect(csv.text.split('\n').filter((l) => l.length > 0)).toHaveLength(3);
      expect(csv.headers['kmsvault-unreadable']).toBe(bad);
    });

    it('deletes an unreadable secret to the trash and purges it without decrypting it', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('doomed'));
      await api.put(`/v1/secrets/${id}`, secret('doomed2'), 1);
      await tamper(api.pk, `SECRET#${id}`);

      // Act + Assert: delete moves it to the trash, where it is still reported as unreadable.
      expect((await api.del(`/v1/secrets/${id}`)).status).toBe(204);
      expect((await api.get(`/v1/secrets/${id}`)).status).toBe(404);
      const list = await api.get<Page>('/v1/secrets');
      expect(list.body).toEqual({ items: [], nextCursor: null });
      const trash = await api.get<Trash>('/v1/trash');
      expect(trash.body).toEqual({ items: [], unreadable: [{ id, code: 'integrity_error' }] });
      expectIntegrityError(await api.post(`/v1/trash/${id}/restore`));

      // purge removes it, its versions and its place in the head
      expect((await api.del(`/v1/trash/${id}`)).status).toBe(204);
      expect((await api.get<Trash>('/v1/trash')).body).toEqual({ items: [] });
      expect((await api.del(`/v1/trash/${id}`)).status).toBe(404);
      const left = (await rawQuery(api.pk)).filter((i) => String(i.sk?.S).includes(id));
      expect(left).toEqual([]);
    });

    it('purges an unreadable trash item without decrypting it', async () => {
      const api = await newUser();
      const id = await api.create(secret('bad-trash'));
      await api.del(`/v1/secrets/${id}`);
      await tamper(api.pk, `TRASH#${id}`);

      expect((await api.del(`/v1/trash/${id}`)).status).toBe(204);
      expect((await api.get<Trash>('/v1/trash')).body).toEqual({ items: [] });
    });
  });

  describe('versions and trash are verified before they are shown (item 12)', () => {
    it('does not show a tampered version number or updatedAt of a kept version', async () => {
      // Arrange: v3 current, v1 and v2 kept; v1's updatedAt and v2's version number are rewritten.
      const api = await newUser();
      const id = await api.create(secret('history'));
      await api.put(`/v1/secrets/${id}`, secret('history2'), 1);
      await api.put(`/v1/secrets/${id}`, secret('history3'), 2);
      const [v1, v2] = (await rawQuery(api.pk, `VERSION#${id}#`)) as [Raw, Raw];
      await rawPut({ ...v1, updatedAt: { S: '2099-01-01T00:00:00.000Z' } });
      await rawPut({ ...v2, version: { N: '7' } });

      // Act
      const versions = await api.get<Versions>(`/v1/secrets/${id}/versions`);
      const one = await api.get(`/v1/secrets/${id}/versions/1`);

      // Assert
      expect(versions.status).toBe(200);
      expect(versions.body.items.map((v) => v.version)).toEqual([3]);
      expect(JSON.stringify(versions.body)).not.toContain('2099');
      expect(versions.body.unreadable).toEqual([
        { version: 2, code: 'integrity_error' },
        { version: 1, code: 'integrity_error' },
      ]);
      expectIntegrityError(one);
    });

    it('shows the signed purge time, not a rewritten TTL attribute', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('ttl'));
      await api.del(`/v1/secrets/${id}`);
      const item = (await rawGet(api.pk, `TRASH#${id}`)) as Raw;
      await rawPut({ ...item, expiresAt: { N: String(Math.floor(Date.UTC(2100, 0, 1) / 1000)) } });

      // Act
      const trash = await api.get<Trash>('/v1/trash');

      // Assert
      expect(trash.body.items.map((i) => i.id)).toEqual([id]);
      const purgeAt = Date.parse(trash.body.items[0]?.purgeAt as string);
      expect(Math.abs(purgeAt - (Date.now() + RETENTION_DAYS * 86_400_000))).toBeLessThan(120_000);
    });

    it('does not show a rewritten deletedAt', async () => {
      const api = await newUser();
      const id = await api.create(secret('deleted-at'));
      await api.del(`/v1/secrets/${id}`);
      const item = (await rawGet(api.pk, `TRASH#${id}`)) as Raw;
      await rawPut({ ...item, deletedAt: { S: '2099-01-01T00:00:00.000Z' } });

      const trash = await api.get<Trash>('/v1/trash');

      expect(trash.status).toBe(200);
      expect(trash.body).toEqual({ items: [], unreadable: [{ id, code: 'integrity_error' }] });
    });
  });

  describe('the idempotency record (item 15)', () => {
    it('keeps no unkeyed hash of the body, so a table reader cannot confirm a guessed secret; retries still replay', async () => {
      // Arrange
      const api = await newUser();
      const body = { name: 'guessable', password: 'hunter2' };
      const key = `idem-${randomBytes(6).toString('hex')}`;

      // Act
      const first = await api.post<{ id: string }>('/v1/secrets', body, { 'idempotency-key': key });
      const retry = await api.post<{ id: string }>('/v1/secrets', body, { 'idempotency-key': key });
      const other = await api.post<Problem>(
        '/v1/secrets',
        { ...body, password: 'hunter3' },
        { 'idempotency-key': key },
      );
      const records = (await scanAll(stack.config.tables.idempotency)).map((r) => unmarshall(r));

      // Assert
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(other.status).toBe(422);
      const record = records.find((r) => JSON.stringify(r.data ?? '').includes(first.body.id));
      expect(record).toBeDefined();
      const sent = Buffer.from(JSON.stringify(body));
      const sha256 = createHash('sha256').update(sent).digest('hex');
      // What Powertools stores for the unkeyed design: md5 of the JSON of the SHA-256 of the body.
      const unkeyed = createHash('md5').update(JSON.stringify(sha256)).digest('base64');
      expect(record?.validation).toEqual(expect.any(String));
      expect(record?.validation).not.toBe(unkeyed);
      expect(record?.validation).not.toBe(sha256);
      expect(JSON.stringify(record)).not.toContain(sha256);
    });
  });

  describe('the head', () => {
    it(`holds ${MAX_HEAD_ENTRIES} entries within DynamoDB's 400 KB item limit`, async () => {
      // Arrange: the largest head there can be, every entry a trashed secret at a 10-digit version.
      const entries = new Map(
        Array.from({ length: MAX_HEAD_ENTRIES }, (_, i) => [
          `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
          { version: 4_000_000_000, state: 'trash' as const, purgeAt: 4_000_000_000 },
        ]),
      );
      const head = VaultHead.from(4_000_000_000, entries);
      const encryptor = new ItemEncryptor(table(), HEAD_ENTITY);
      const item = encryptor.encrypt(
        {
          pk: 'USER#00000000-0000-4000-8000-000000000000',
          sk: 'HEAD',
          counter: head.counter,
          entries: head.encode(),
        },
        { version: 1, key: randomBytes(32) },
      );

      // Act + Assert: DynamoDB Local enforces the limit.
      await expect(rawPut(marshall(item))).resolves.toBeDefined();
      expect(() =>
        head.with([['ffffffff-0000-4000-8000-000000000000', { version: 1, state: 'current' }]]),
      ).toThrow(expect.objectContaining({ code: 'vault_full' }));
    });
  });

  describe('the head', () => {
    /** The secrets service on the stack's table and KMS, with repositories and a clock of the test's choosing. */
    const serviceOn = (secrets: SecretRepository, heads: HeadRepository, now?: () => number) =>
      new SecretService({
        secrets,
        heads,
        users: new UserRepository(documentClient(stack.dynamodb), table()),
        keyring: new UserKeyring({
          kms: stack.kmsAs('secrets'),
          vaultKeyId: stack.config.keys.vault,
          cache: new KeyCache({ clearOnExit: false }),
        }),
        config: stack.config,
        ...(now !== undefined ? { now } : {}),
      });
    const counterOf = async (pk: string) => Number((await rawGet(pk, 'HEAD'))?.counter?.N ?? 0);

    it('takes an import of 200 rows in 3 transactions, one head write each', async () => {
      // Arrange
      const api = await newUser();
      await api.create(secret('before-import'));
      const before = await counterOf(api.pk);
      const rows = Array.from({ length: 200 }, (_, i) => `row ${i},https://r${i}.example,u${i},p${i}`);

      // Act
      const res = await api.post<{ imported: number; ids: string[] }>(
        '/v1/import',
        { format: 'chrome-csv', content: ['name,url,username,password', ...rows].join('\n') },
        { 'idempotency-key': 'import-200' },
      );

      // Assert
      expect(res.body.imported).toBe(200);
      expect((await counterOf(api.pk)) - before).toBe(3);
      const list = await api.get<Page>('/v1/secrets?limit=200');
      expect(list.body.unreadable).toBeUndefined();
      expect(list.body.items).toHaveLength(200);
      expect((await api.get<Page>('/v1/secrets?site=r199.example')).body.items.map((i) => i.name)).toEqual([
        'row 199',
      ]);
    });

    it('reads again in order when a write lands between the head read and the items read, and reports no false integrity error', async () => {
      // Arrange: the list's query reads the items, then a write lands, then the head is read.
      const api = await newUser();
      const userId = api.pk.slice('USER#'.length);
      const id = await api.create(secret('between'));
      const db = documentClient(stack.dynamodb);
      const writer = serviceOn(new SecretRepository(db, table()), new HeadRepository(db, table()));
      let race: { done: Promise<void>; release: () => void } | undefined;
      class LateHeads extends HeadRepository {
        public override async get(pk: string) {
          if (race !== undefined) await race.done;
          return super.get(pk);
        }
      }
      class EarlyItems extends SecretRepository {
        public override async query(pk: string, prefix: string, newestFirst?: boolean) {
          const items = await super.query(pk, prefix, newestFirst);
          const pending = race;
          if (pending !== undefined) {
            race = undefined;
            await writer.update(userId, id, 1, { name: 'between2' });
            pending.release();
          }
          return items;
        }
      }
      const reader = serviceOn(new EarlyItems(db, table()), new LateHeads(db, table()));
      let release = () => {};
      race = { done: new Promise<void>((r) => (release = r)), release: () => release() };

      // Act
      const page = await reader.list(userId);

      // Assert: not the stale version 1 as unreadable, but the state after the write.
      expect(race).toBeUndefined();
      expect(page).toEqual({
        items: [expect.objectContaining({ id, version: 2, name: 'between2' })],
        nextCursor: null,
      });
    });

    it('deletes trash items past their signed purge time, with their entries, on the next write', async () => {
      // Arrange: the service on the stack's table and KMS, with a clock of its own.
      const api = await newUser();
      const userId = api.pk.slice('USER#'.length);
      let now = Date.now();
      const db = documentClient(stack.dynamodb);
      const service = serviceOn(
        new SecretRepository(db, table()),
        new HeadRepository(db, table()),
        () => now,
      );
      const old = await service.create(userId, { name: 'old' });
      await service.remove(userId, old.id);
      const recent = await service.create(userId, { name: 'recent' });
      now += (RETENTION_DAYS - 1) * 86_400_000;
      await service.remove(userId, recent.id);

      // Act: past the first one's purge time, not the second's.
      now += 2 * 86_400_000;
      const shownBefore = await service.trash(userId);
      await service.create(userId, { name: 'a write' });

      // Assert
      expect(shownBefore.items.map((i) => i.name).sort()).toEqual(['old', 'recent']);
      expect(await rawGet(api.pk, `TRASH#${old.id}`)).toBeUndefined();
      expect(await rawGet(api.pk, `TRASH#${recent.id}`)).toBeDefined();
      expect(await service.trash(userId)).toEqual({
        items: [expect.objectContaining({ id: recent.id, name: 'recent' })],
      });
      await expect(service.restoreFromTrash(userId, old.id)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('KMS calls with a warm cache', () => {
    it('costs 0 KMS calls to delete, list the trash, restore, list versions, purge and export', async () => {
      // Arrange
      const api = await newUser();
      const id = await api.create(secret('warm'));
      const gone = await api.create(secret('gone'));
      await api.get(`/v1/secrets/${id}`);
      const counts: Record<string, Record<string, number>> = {};
      const measure = async (name: string, op: () => Promise<TestResponse>) => {
        await resetKmsStats(stack.info.kmsEndpoint);
        const res = await op();
        expect(res.status).toBeLessThan(300);
        counts[name] = await kmsStats(stack.info.kmsEndpoint);
      };

      // Act
      await measure('delete', () => api.del(`/v1/secrets/${id}`));
      await measure('trash', () => api.get('/v1/trash'));
      await measure('restore', () => api.post(`/v1/trash/${id}/restore`));
      await measure('versions', () => api.get(`/v1/secrets/${id}/versions`));
      await api.del(`/v1/secrets/${gone}`);
      await measure('purge', () => api.del(`/v1/trash/${gone}`));
      await measure('export', () => api.get('/v1/export'));

      // Assert
      expect(counts).toEqual({ delete: {}, trash: {}, restore: {}, versions: {}, purge: {}, export: {} });
    });
  });

  describe('after the suite', () => {
    it('validates every response against the OpenAPI document', () => {
      expect(recorder.count).toBeGreaterThan(80);
      expect(recorder.check(buildOpenApi())).toEqual([]);
    });

    it('logs each unreadable secret a read left out as an integrity_error event, with ids only', () => {
      const events = logs
        .text()
        .split('\n')
        .filter((l) => l.includes('"event":"integrity_error"'))
        .map((l) => JSON.parse(l) as { operation: string; userId: string; items: { id: string }[] });
      expect(new Set(events.map((e) => e.operation))).toEqual(
        new Set(['listSecrets', 'listTrash', 'exportSecrets', 'listVersions']),
      );
      for (const e of events) expect(e.items.length).toBeGreaterThan(0);
    });

    it('logs no secret value', () => {
      expect(logs.text()).not.toContain('password-');
      expect(logs.text()).not.toContain('hunter2');
    });
  });
});
