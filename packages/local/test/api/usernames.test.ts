import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { call } from '../../src/testing';

type Problem = { code: string; status: number; detail: string; errors?: { path: string; message: string }[] };

const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };
const PASSWORD = 'a long and unusual passphrase';

describe('Usernames over HTTP', () => {
  let stack: LocalStack;
  let url: string;
  let counter = 0;
  const unique = () => `${process.pid}x${++counter}`;

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-usernames-')),
      config: { scrypt: FAST_SCRYPT },
      logLevel: 'ERROR',
    });
    url = stack.info.apiUrl;
  });

  afterAll(async () => {
    await stack.stop();
  });

  const signup = (username: string) =>
    call<Problem & { userId: string }>(url, '/v1/auth/signup', {
      method: 'POST',
      body: { username, password: PASSWORD },
    });
  const login = (username: string, password = PASSWORD) =>
    call<{ accessToken: string }>(url, '/v1/auth/login', { method: 'POST', body: { username, password } });

  it.each([
    ['an invisible character (ali\\u200bce)', `ali\u200bce${unique()}`, 'identifier', 'U+200B'],
    ['a Cyrillic look-alike (\\u0430lice)', `\u0430lice${unique()}`, 'single-script', 'U+0430'],
    ['a right-to-left override', `ali\u202ece${unique()}`, 'identifier', 'U+202E'],
  ])(
    'usernames accept %s: signup answers 400 naming the rule and the code point',
    async (_what, username, rule, codePoint) => {
      // Arrange: the look-alike's target exists.
      expect((await signup(username.replace(/[\u200b\u202e]/u, '').replace('\u0430', 'a'))).status).toBe(201);

      // Act
      const res = await signup(username);

      // Assert
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors?.[0]).toEqual({
        path: 'username',
        message: expect.stringMatching(
          new RegExp(`^breaks the ${rule} rule: .*${codePoint.replace('+', '\\+')}`),
        ),
      });
      expect(res.body.detail).toContain(codePoint);
      expect(res.text).not.toMatch(/[\u200b\u202e\u0430]/u);
    },
  );

  it('accepts right-to-left names (Arabic, Hebrew) and fullwidth letters, which then log in', async () => {
    const n = unique().replace('x', '');
    for (const [username, typed] of [
      [`علي${n}`, `علي${n}`],
      [`דוד${n}`, `דוד${n}`],
      [`ｆｕｌｌ${n}`, `full${n}`],
    ] as const) {
      expect((await signup(username)).status).toBe(201);
      expect((await login(typed)).status).toBe(200);
    }
  });

  it('lets an account whose name passed the old rules log in and change its password', async () => {
    // Arrange: an account made before the PRECIS rules, named with a zero-width space.
    const made = `legacy${unique()}`;
    const legacy = `leg\u200bacy${unique()}`;
    const { userId } = (await signup(made)).body;
    const TableName = stack.config.tables.vault;
    await stack.dynamodb.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: `USERNAME#${legacy}` }, sk: { S: 'USERNAME' }, userId: { S: userId } },
      }),
    );
    await stack.dynamodb.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: `USERNAME#${made}` }, sk: { S: 'USERNAME' } } }),
    );
    await stack.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: `USER#${userId}` }, sk: { S: 'PROFILE' } },
        UpdateExpression: 'SET username = :u',
        ExpressionAttributeValues: { ':u': { S: legacy } },
      }),
    );
    expect((await signup(legacy)).status).toBe(400);

    // Act
    const first = await login(legacy);
    const changed = await call(url, '/v1/account/password', {
      method: 'POST',
      bearer: first.body.accessToken,
      body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} changed` },
    });

    // Assert
    expect(first.status).toBe(200);
    expect(changed.status).toBe(204);
    expect((await login(legacy, `${PASSWORD} changed`)).status).toBe(200);
  });
});
