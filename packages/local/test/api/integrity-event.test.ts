import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../src/stack';
import { call, type captureStdout, startTestStack, type TestStack } from '../../src/testing';

type Problem = { code: string; status: number };

/** Every plaintext value the suite writes carries this marker; no log line may. */
const MARK = 'PLAINTEXT-MARK';

/** What Powertools Logger puts on every line. */
const LOGGER_KEYS = new Set(['level', 'message', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id']);

/** The JSON log lines captured so far. */
function logLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Integrity failures over HTTP', () => {
  let stack: LocalStack;
  let logs: ReturnType<typeof captureStdout>;

  let suite: TestStack | undefined;

  beforeAll(async () => {
    suite = await startTestStack('integrity', {}, 'DEBUG');
    ({ stack, logs } = suite);
  });

  afterAll(() => suite?.stop());

  it('integrity failures are logged as a security event (integrity_error, user id, item key), not as "dependency unavailable"', async () => {
    // Arrange: a user with one secret, then a table writer changes the stored ciphertext.
    const username = `integrity-${process.pid}`;
    const password = `${MARK} login password`;
    const url = stack.info.apiUrl;
    const signup = await call<{ userId: string }>(url, '/v1/auth/signup', {
      method: 'POST',
      body: { username, password },
    });
    const login = await call<{ accessToken: string }>(url, '/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    const bearer = login.body.accessToken;
    const created = await call<{ id: string }>(url, '/v1/secrets', {
      method: 'POST',
      bearer,
      headers: { 'idempotency-key': 'one' },
      body: { name: `${MARK} bank`, password: `${MARK}-secret-value`, notes: `${MARK} notes` },
    });
    expect(created.status).toBe(201);
    const userId = signup.body.userId;
    const id = created.body.id;
    const Key = { pk: { S: `USER#${userId}` }, sk: { S: `SECRET#${id}` } };
    const TableName = stack.config.tables.vault;
    const stored = (await stack.dynamodb.send(new GetItemCommand({ TableName, Key }))).Item;
    const ciphertext = Buffer.from(stored?.password?.B as Uint8Array);
    ciphertext[ciphertext.length - 1] = (ciphertext[ciphertext.length - 1] ?? 0) ^ 1;
    await stack.dynamodb.send(
      new PutItemCommand({ TableName, Item: { ...stored, password: { B: ciphertext } } }),
    );
    const before = logs.text().length;

    // Act
    const res = await call<Problem>(url, `/v1/secrets/${id}`, { bearer });

    // Assert: the client sees integrity_error; the log has one security event naming user, item and route.
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('integrity_error');
    const text = logs.text().slice(before);
    const events = logLines(text).filter((l) => l.message === 'integrity_error');
    expect(events).toHaveLength(1);
    const event = events[0] as Record<string, unknown>;
    expect(event).toMatchObject({
      level: 'ERROR',
      category: 'security',
      userId,
      itemKey: { id },
      route: 'GET /v1/secrets/:id',
      reason: expect.stringMatching(/signature does not match/),
    });
    // Identifiers only: no value, no ciphertext, no token, no key material.
    const own = Object.keys(event).filter((k) => !LOGGER_KEYS.has(k));
    expect(own.sort()).toEqual(['category', 'itemKey', 'reason', 'requestId', 'route', 'userId']);
    expect(text).not.toContain(MARK);
    expect(text).not.toContain(bearer);
    expect(text).not.toContain(ciphertext.toString('base64'));
    expect(logLines(text).some((l) => l.message === 'dependency unavailable')).toBe(false);
  });
});
