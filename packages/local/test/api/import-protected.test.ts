import { sealProtectedExport } from '@kmsvault/core';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };

/** Issue 17: a password-protected Bitwarden export imports through the API with its password. */
describe('POST /v1/import of a password-protected Bitwarden export', () => {
  let suite: TestStack;
  let bearer: string;
  let n = 0;
  const FILE_PASSWORD = 'the file password 42';
  const clear = JSON.stringify({
    encrypted: false,
    folders: [{ id: 'f1', name: 'Bank' }],
    items: [
      {
        type: 1,
        name: 'Protected login',
        folderId: 'f1',
        login: { username: 'me', password: 'SECRET-7c1d' },
      },
    ],
  });
  const send = <T>(path: string, req: TestRequest = {}) =>
    call<T>(suite.stack.info.apiUrl, path, { bearer, ...req });
  const importing = <T>(body: Record<string, unknown>) =>
    send<T>('/v1/import', { method: 'POST', headers: { 'idempotency-key': `p-${++n}` }, body });

  beforeAll(async () => {
    suite = await startTestStack('import-protected', {}, 'DEBUG');
    const body = { username: `protected-${process.pid}`, password: 'protected import test password' };
    await call(suite.stack.info.apiUrl, '/v1/auth/signup', { method: 'POST', body });
    bearer = (
      await call<{ accessToken: string }>(suite.stack.info.apiUrl, '/v1/auth/login', { method: 'POST', body })
    ).body.accessToken;
  });
  afterAll(() => suite.stop());

  it('is a 400 naming the password when it is missing or wrong, and imports with the right one', async () => {
    const file = await sealProtectedExport(clear, FILE_PASSWORD, { kdfType: 0, kdfIterations: 100_000 });
    const missing = await importing<Problem>({ content: file });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toBe(
      'This is a password-protected Bitwarden export: give the password it was exported with.',
    );
    expect(missing.body.errors).toEqual([{ path: 'password', message: 'password needed' }]);
    const wrong = await importing<Problem>({ content: file, password: 'not the file password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toBe('The password does not open this Bitwarden export.');
    const right = await importing<{ imported: number; ids: string[] }>({
      content: file,
      password: FILE_PASSWORD,
    });
    expect(right.status).toBe(200);
    expect(right.body.imported).toBe(1);
    const stored = await send<{ name: string; folder: string; password: string }>(
      `/v1/secrets/${right.body.ids[0]}`,
    );
    expect(stored.body).toMatchObject({ name: 'Protected login', folder: 'Bank', password: 'SECRET-7c1d' });
    const logs = suite.logs.text();
    for (const secret of [FILE_PASSWORD, 'not the file password', 'SECRET-7c1d'])
      expect(logs).not.toContain(secret);
  });

  it('refuses an export encrypted with a Bitwarden account’s key, saying how to export instead', async () => {
    const res = await importing<Problem>({
      content: JSON.stringify({
        encrypted: true,
        encKeyValidation_DO_NOT_EDIT: '2.a|b|c',
        folders: [],
        items: [],
      }),
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/only that Bitwarden account can open.*Password protected/);
  });
});
