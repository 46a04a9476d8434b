import { KmsJwsSigner } from '@kmsvault/core';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Problem = { code: string; detail: string };

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>;

/**
 * Issue 17: an export needs the login password given in the last 5 minutes
 * (the token's auth_time), on the template-driven stack with its authorizer.
 */
describe('export needs the login password again (POST /v1/auth/reauthenticate)', () => {
  let suite: TestStack;
  const password = 'the reauthentication suite password';
  const send = <T>(path: string, req: TestRequest = {}) => call<T>(suite.stack.info.apiUrl, path, req);

  beforeAll(async () => {
    suite = await startTestStack('reauth', {}, 'DEBUG');
  });
  afterAll(() => suite.stop());

  let n = 0;
  async function login() {
    const body = { username: `reauth-${process.pid}-${++n}`, password };
    await send('/v1/auth/signup', { method: 'POST', body });
    return (
      await send<{ accessToken: string; refreshToken: string }>('/v1/auth/login', { method: 'POST', body })
    ).body;
  }

  /** A token of the same session, signed with the stack's key, with `auth_time` as given. */
  async function tokenWith(accessToken: string, authTime: number | undefined) {
    const signer = new KmsJwsSigner({
      kms: suite.stack.kmsAs('auth'),
      keyId: suite.stack.config.keys.signing,
    });
    const { auth_time: _drop, ...rest } = claims(accessToken);
    return signer.sign({ ...rest, ...(authTime === undefined ? {} : { auth_time: authTime }) });
  }

  it('exports with the token of a login just made, and keeps auth_time across a refresh', async () => {
    const tokens = await login();
    const loginTime = claims(tokens.accessToken).auth_time as number;
    expect(Math.abs(loginTime - Date.now() / 1000)).toBeLessThan(60);
    expect((await send('/v1/export', { bearer: tokens.accessToken })).status).toBe(200);
    const refreshed = await send<{ accessToken: string }>('/v1/auth/refresh', {
      method: 'POST',
      body: { refreshToken: tokens.refreshToken },
    });
    expect(claims(refreshed.body.accessToken).auth_time).toBe(loginTime);
  });

  it.each([
    ['given 10 minutes ago', -600],
    ['never given in the token (a session from before auth_time)', undefined],
  ])('refuses an export when the password was %s, naming what to do', async (_, offset) => {
    const tokens = await login();
    const stale = await tokenWith(
      tokens.accessToken,
      offset === undefined ? undefined : Math.floor(Date.now() / 1000) + offset,
    );
    const res = await send<Problem>('/v1/export', { bearer: stale });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('reauthentication_required');
    expect(res.body.detail).toContain('POST /v1/auth/reauthenticate');
  });

  it('answers a fresh access token of the same session for the right password, and 403 for a wrong one', async () => {
    const tokens = await login();
    const stale = await tokenWith(tokens.accessToken, Math.floor(Date.now() / 1000) - 3600);
    const wrong = await send<Problem>('/v1/auth/reauthenticate', {
      method: 'POST',
      bearer: stale,
      body: { password: 'not the password at all' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.detail).toBe('The password is wrong.');
    const right = await send<{ accessToken: string; expiresIn: number }>('/v1/auth/reauthenticate', {
      method: 'POST',
      bearer: stale,
      body: { password },
    });
    expect(right.status).toBe(200);
    expect(claims(right.body.accessToken)).toMatchObject({ sid: claims(tokens.accessToken).sid });
    expect(Math.abs((claims(right.body.accessToken).auth_time as number) - Date.now() / 1000)).toBeLessThan(
      60,
    );
    expect((await send('/v1/export', { bearer: right.body.accessToken })).status).toBe(200);
    expect(suite.logs.text()).not.toContain(password);
  });

  it('refuses to re-authenticate a session that has ended', async () => {
    const tokens = await login();
    await send('/v1/auth/logout', { method: 'POST', body: { refreshToken: tokens.refreshToken } });
    const res = await send('/v1/auth/reauthenticate', {
      method: 'POST',
      bearer: tokens.accessToken,
      body: { password },
    });
    expect(res.status).toBe(401);
  });
});
