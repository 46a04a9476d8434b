import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  AccountDeletion,
  AccountDeletionIncompleteError,
  buildOpenApi,
  documentClient,
  PartitionEraser,
  UserRepository,
} from '@kmsvault/core';
import { decodeJwt } from 'jose';
import type { LocalStack } from '../../src/stack';
import { call, OpenApiRecorder, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Tokens = { accessToken: string; refreshToken: string };
type Problem = { code: string; status: number; detail: string; errors?: { path: string }[] };
type Item = Record<string, unknown>;

/** The authorizer reuses a session's state for 1 s here (10 s by default): revocation shows fast. */
const TOKENS = { sessionCheckCacheSeconds: 1 };
const BACKOFF = { freeAttempts: 3, accountFreeAttempts: 8, baseSeconds: 60, maxSeconds: 900 };
const MARK = 'DELETION-PLAINTEXT';

/**
 * DELETE /v1/account on the template-driven stack: what the deletion
 * removes, read back from the raw table; what it must not touch; the tokens
 * it ends; a deletion stopped partway and finished by the same request.
 */
describe('Account deletion over HTTP', () => {
  let suite: TestStack | undefined;
  let stack: LocalStack;
  let counter = 0;
  const passwords: string[] = [];
  const recorder = new OpenApiRecorder();

  beforeAll(async () => {
    suite = await startTestStack(
      'deletion',
      { tokens: TOKENS, loginBackoff: BACKOFF, historyDepth: 3, trashRetentionDays: 7 },
      'INFO',
    );
    ({ stack } = suite);
  });

  afterAll(() => suite?.stop());

  const send = <T = unknown>(path: string, req: TestRequest = {}) => call<T>(stack.info.apiUrl, path, req);
  const login = (username: string, password: string) =>
    send<Tokens & Problem>('/v1/auth/login', { method: 'POST', body: { username, password } });
  const refresh = (refreshToken: string) =>
    send<Tokens>('/v1/auth/refresh', { method: 'POST', body: { refreshToken } });
  const deleteAccount = async (bearer: string | undefined, body: unknown) => {
    const res = await send<Problem>('/v1/account', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      ...(bearer ? { bearer } : {}),
      body,
    });
    const type = res.headers['content-type'] as string | undefined;
    recorder.record('DELETE', '/v1/account', res.status, type, res.body ?? undefined);
    return res;
  };
  const list = (bearer: string) => send<{ items: { id: string }[] }>('/v1/secrets', { bearer });
  /** Longer than the authorizer may reuse a session's state. */
  const revocationDelay = () => sleep(TOKENS.sessionCheckCacheSeconds * 1000 + 300);

  async function user(prefix: string) {
    const username = `${prefix}-${process.pid}-${++counter}`;
    const password = `${MARK} ${prefix} password ${counter}`;
    passwords.push(password);
    const signup = await send<{ userId: string }>('/v1/auth/signup', {
      method: 'POST',
      body: { username, password },
    });
    expect(signup.status).toBe(201);
    const tokens = (await login(username, password)).body;
    let keys = 0;
    const create = async (name: string) => {
      const res = await send<{ id: string; version: number }>('/v1/secrets', {
        method: 'POST',
        bearer: tokens.accessToken,
        headers: { 'idempotency-key': `${username}-${++keys}` },
        body: { name: `${MARK} ${name}`, password: `${MARK}-pw-${name}`, url: `https://${name}.example` },
      });
      expect(res.status).toBe(201);
      return res.body;
    };
    return { username, password, userId: signup.body.userId, tokens, create };
  }

  /** Every item of the user's partition, read from DynamoDB Local directly (consistent, all pages). */
  async function partition(userId: string): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await stack.dynamodb.send(
        new QueryCommand({
          TableName: stack.config.tables.vault,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey !== undefined);
    return items;
  }

  /** The partition's entries in the beacon index (it projects keys only). */
  async function beaconEntries(userId: string): Promise<number> {
    const out = await stack.dynamodb.send(
      new QueryCommand({
        TableName: stack.config.tables.vault,
        IndexName: 'beacon',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `USER#${userId}` } },
      }),
    );
    return out.Count ?? 0;
  }

  async function usernameClaim(username: string): Promise<Item | undefined> {
    const out = await stack.dynamodb.send(
      new GetItemCommand({
        TableName: stack.config.tables.vault,
        Key: { pk: { S: `USERNAME#${username.toLowerCase()}` }, sk: { S: 'USERNAME' } },
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** Every item of the whole table that names the user anywhere: keys or values. */
  async function anythingOf(userId: string): Promise<Item[]> {
    const found: Item[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await stack.dynamodb.send(
        new ScanCommand({
          TableName: stack.config.tables.vault,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        if (JSON.stringify(item).includes(userId)) found.push(item);
      }
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey !== undefined);
    return found;
  }

  const sortKeyKinds = (items: Item[]) => [...new Set(items.map((i) => String(i.sk).split('#')[0]))].sort();

  it('removes every secret, version, trash entry, session, device and the wrapped user keys, and frees the username', async () => {
    // Arrange: alice with 3 live secrets (one with two more versions), one in the trash, two sessions;
    // bob beside her.
    const alice = await user('alice');
    const one = await alice.create('one');
    await alice.create('two');
    await alice.create('three');
    const four = await alice.create('four');
    for (const [version, name] of [
      [1, 'one v2'],
      [2, 'one v3'],
    ] as const) {
      const put = await send(`/v1/secrets/${one.id}`, {
        method: 'PUT',
        bearer: alice.tokens.accessToken,
        headers: { 'if-match': `"${version}"` },
        body: { name: `${MARK} ${name}` },
      });
      expect(put.status).toBe(200);
    }
    expect(
      (await send(`/v1/secrets/${four.id}`, { method: 'DELETE', bearer: alice.tokens.accessToken })).status,
    ).toBe(204);
    const elsewhere = (await login(alice.username, alice.password)).body;
    const bob = await user('bob');
    await bob.create('bob one');
    await bob.create('bob two');
    const bobBefore = await partition(bob.userId);
    const aliceBefore = await partition(alice.userId);
    expect(sortKeyKinds(aliceBefore)).toEqual([
      'DEVICE',
      'HEAD',
      'PROFILE',
      'REFRESH',
      'SECRET',
      'SESSION',
      'TRASH',
      'VERSION',
    ]);
    expect(aliceBefore.filter((i) => String(i.sk).startsWith('VERSION#')).length).toBeGreaterThanOrEqual(2);
    expect(await usernameClaim(alice.username)).toMatchObject({ userId: alice.userId });

    // Act
    const res = await deleteAccount(alice.tokens.accessToken, { password: alice.password });

    // Assert: nothing of alice in the table, her index entries gone, the username free.
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await partition(alice.userId)).toEqual([]);
    expect(await beaconEntries(alice.userId)).toBe(0);
    expect(await usernameClaim(alice.username)).toBeUndefined();
    expect(await anythingOf(alice.userId)).toEqual([]);
    expect((await refresh(elsewhere.refreshToken)).status).toBe(401);
    // Bob's data untouched, and still his.
    expect(await partition(bob.userId)).toEqual(bobBefore);
    const bobList = await list(bob.tokens.accessToken);
    expect(bobList.status).toBe(200);
    expect(bobList.body.items).toHaveLength(2);
    expect((await login(bob.username, bob.password)).status).toBe(200);
  });

  it('ends every token of the account: refresh tokens at once, access tokens within the session check cache', async () => {
    // Arrange
    const carol = await user('carol');
    const other = (await login(carol.username, carol.password)).body;
    await carol.create('carol one');

    // Act
    expect((await deleteAccount(carol.tokens.accessToken, { password: carol.password })).status).toBe(204);

    // Assert: refresh tokens of both sessions refused at once.
    expect((await refresh(carol.tokens.refreshToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    await revocationDelay();
    expect((await list(carol.tokens.accessToken)).status).toBe(401);
    expect((await list(other.accessToken)).status).toBe(401);
    // Calling again is no error that reveals anything: the token is dead.
    expect((await deleteAccount(carol.tokens.accessToken, { password: carol.password })).status).toBe(401);
  });

  it('answers a login with the old credentials as for an unknown user, and gives the username to a new, empty account', async () => {
    // Arrange
    const dave = await user('dave');
    await dave.create('dave one');
    const unknown = await login(`nobody-${process.pid}-${++counter}`, dave.password);

    // Act
    expect((await deleteAccount(dave.tokens.accessToken, { password: dave.password })).status).toBe(204);
    const old = await login(dave.username, dave.password);
    const again = await send<{ userId: string }>('/v1/auth/signup', {
      method: 'POST',
      body: { username: dave.username, password: dave.password },
    });

    // Assert
    expect(old.status).toBe(401);
    expect({ code: old.body.code, detail: old.body.detail }).toEqual({
      code: unknown.body.code,
      detail: unknown.body.detail,
    });
    expect(again.status).toBe(201);
    expect(again.body.userId).not.toBe(dave.userId);
    const fresh = (await login(dave.username, dave.password)).body;
    expect((await list(fresh.accessToken)).body.items).toEqual([]);
    expect((await send<{ items: unknown[] }>('/v1/trash', { bearer: fresh.accessToken })).body.items).toEqual(
      [],
    );
  });

  it('answers 403 for a wrong password, then 429 once backed off, and removes nothing', async () => {
    // Arrange
    const erin = await user('erin');
    await erin.create('erin one');
    const before = await partition(erin.userId);

    // Act: the free attempts (3), then one more with the right password.
    const wrong: number[] = [];
    for (let i = 0; i < BACKOFF.freeAttempts; i++)
      wrong.push((await deleteAccount(erin.tokens.accessToken, { password: 'not the password' })).status);
    const backedOff = await deleteAccount(erin.tokens.accessToken, { password: erin.password });

    // Assert
    expect(wrong).toEqual([403, 403, 403]);
    expect(backedOff.status).toBe(429);
    expect(backedOff.headers['content-type']).toBe('application/problem+json');
    expect(Number(backedOff.headers['retry-after'])).toBeGreaterThan(0);
    const after = await partition(erin.userId);
    // Only the login-limit items outside the partition changed; the partition is as it was.
    expect(after).toEqual(before);
    expect(await usernameClaim(erin.username)).toMatchObject({ userId: erin.userId });
    expect((await list(erin.tokens.accessToken)).body.items).toHaveLength(1);
    expect((await refresh(erin.tokens.refreshToken)).status).toBe(200);
  });

  it('answers 403 problem+json with the wrong-password detail', async () => {
    const fay = await user('fay');
    const res = await deleteAccount(fay.tokens.accessToken, { password: 'not the password' });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code: 'forbidden', detail: 'The password is wrong.' });
  });

  it.each<[string, unknown]>([
    ['no password', {}],
    ['an unknown member', { password: 'x', confirm: true }],
    ['a password that is not a string', { password: 42 }],
    ['a body that is not JSON', '{"password": "x"'],
  ])('answers 400 to a body with %s, and removes nothing', async (_what, body) => {
    // Arrange
    const gus = await user('gus');
    const before = await partition(gus.userId);

    // Act
    const res = await deleteAccount(gus.tokens.accessToken, body);

    // Assert
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(await partition(gus.userId)).toEqual(before);
  });

  it('answers 401 without a valid bearer token, and removes nothing', async () => {
    // Arrange
    const hal = await user('hal');
    const before = await partition(hal.userId);
    const [header, payload] = hal.tokens.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;

    // Act
    const none = await deleteAccount(undefined, { password: hal.password });
    const bad = await deleteAccount(forged, { password: hal.password });

    // Assert
    expect([none.status, bad.status]).toEqual([401, 401]);
    expect(await partition(hal.userId)).toEqual(before);
  });

  it('finishes a deletion that stopped partway when the same session calls again', async () => {
    // Arrange: ivy with 1,000 imported secrets (more than one query page) and a second session.
    const ivy = await user('ivy');
    const rows = Array.from({ length: 1000 }, (_, i) => `Site ${i},https://s${i}.example,u${i},${MARK}-${i}`);
    const imported = await send<{ imported: number }>('/v1/import', {
      method: 'POST',
      bearer: ivy.tokens.accessToken,
      headers: { 'idempotency-key': 'ivy-import' },
      body: { format: 'chrome-csv', content: `name,url,username,password\n${rows.join('\n')}\n` },
    });
    expect(imported.body.imported).toBe(1000);
    const other = (await login(ivy.username, ivy.password)).body;
    // The auth function's own deletion code, as its role, on the same table: stopped by its time
    // budget after a few batches (the state a timeout or an outage mid-way leaves).
    const db = documentClient(stack.dynamodbAs('auth'));
    const users = new UserRepository(db, stack.config.tables.vault);
    const deletion = new AccountDeletion({
      users,
      eraser: new PartitionEraser(db, stack.config.tables.vault),
      now: Date.now,
    });
    let checks = 0;
    const profile = await users.get(ivy.userId);
    const sessionId = decodeJwt(ivy.tokens.accessToken).sid as string;
    await expect(
      deletion.delete(profile as NonNullable<typeof profile>, sessionId, () => ++checks > 8),
    ).rejects.toBeInstanceOf(AccountDeletionIncompleteError);

    // Assert the partial state: login refused, the other session over, secrets partly there.
    const half = await partition(ivy.userId);
    const secretsLeft = half.filter((i) => String(i.sk).startsWith('SECRET#')).length;
    expect(secretsLeft).toBeGreaterThan(0);
    expect(secretsLeft).toBeLessThan(1000);
    expect(half.find((i) => i.sk === 'PROFILE')?.deletedAt).toEqual(expect.any(String));
    expect(await usernameClaim(ivy.username)).toMatchObject({ userId: ivy.userId });
    expect((await login(ivy.username, ivy.password)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);

    // Act: the same session calls again (after refreshing: its refresh token still works).
    const renewed = await refresh(ivy.tokens.refreshToken);
    expect(renewed.status).toBe(200);
    const res = await deleteAccount(renewed.body.accessToken, { password: ivy.password });

    // Assert
    expect(res.status).toBe(204);
    expect(await partition(ivy.userId)).toEqual([]);
    expect(await usernameClaim(ivy.username)).toBeUndefined();
    expect(await anythingOf(ivy.userId)).toEqual([]);
    expect((await refresh(renewed.body.refreshToken)).status).toBe(401);
  });

  it('answered only statuses and bodies the OpenAPI document declares for DELETE /v1/account', () => {
    expect(recorder.count).toBeGreaterThan(10);
    expect(recorder.check(buildOpenApi())).toEqual([]);
  });

  it('never logs a password', () => {
    const all = suite?.logs.text() ?? '';
    expect(all).toContain('account deleted');
    for (const p of passwords) expect(all).not.toContain(p);
  });
});
