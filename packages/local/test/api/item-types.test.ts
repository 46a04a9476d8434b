import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../src/stack';
import { call, startTestStack, type TestRequest, type TestStack } from '../../src/testing';

type Item = Record<string, unknown> & { id: string; version: number };

/**
 * Items of every type through the deployed API (the template's routes, API
 * Gateway's body validation from the route manifest, the secrets function):
 * each written and read back member for member, password history kept on
 * update, and what is refused said by name.
 */
describe('Items of every type over HTTP', () => {
  let suite: TestStack | undefined;
  let stack: LocalStack;
  let bearer: string;

  beforeAll(async () => {
    suite = await startTestStack('item-types', {}, 'DEBUG');
    ({ stack } = suite);
    const credentials = { username: 'types-user', password: 'a long enough passphrase for types' };
    await send('/v1/auth/signup', { method: 'POST', body: credentials });
    bearer = (await send<{ accessToken: string }>('/v1/auth/login', { method: 'POST', body: credentials }))
      .body.accessToken;
  });

  afterAll(() => suite?.stop());

  const idempotent = () => ({ 'idempotency-key': randomUUID() });
  const send = <T = unknown>(path: string, req: TestRequest = {}) => call<T>(stack.info.apiUrl, path, req);
  const create = async (body: unknown) => {
    const res = await send<Item>('/v1/secrets', { method: 'POST', body, bearer, headers: idempotent() });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const read = async (id: string) => (await send<Item>(`/v1/secrets/${id}`, { bearer })).body;

  const key = (() => {
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-ssh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', join(dir, 'id')]);
    const fingerprint = execFileSync('ssh-keygen', ['-lf', join(dir, 'id.pub')], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    return {
      privateKey: readFileSync(join(dir, 'id'), 'utf8'),
      publicKey: readFileSync(join(dir, 'id.pub'), 'utf8').trim(),
      fingerprint,
    };
  })();

  const inputs: Record<string, Record<string, unknown>> = {
    login: {
      name: 'Google',
      uris: [{ uri: 'https://accounts.google.com' }, { uri: 'https://mail.google.com', match: 'host' }],
      username: 'al@example.com',
      password: 'first password',
      totp: 'otpauth://totp/Google:al?secret=JBSWY3DPEHPK3PXP&issuer=Google',
      favorite: true,
      fields: [
        { name: 'PIN', value: '1234', type: 'hidden' },
        { name: 'remember me', value: 'true', type: 'boolean' },
        { name: 'login name', type: 'linked', linked: 'username' },
        { name: 'recovery email', value: 'r@example.com', type: 'text' },
      ],
      tags: ['mail'],
      folder: 'Web',
      notes: 'two URIs, a TOTP and four kinds of custom field',
    },
    note: { type: 'note', name: 'Wi-Fi', notes: 'SSID home, key in the drawer' },
    card: {
      type: 'card',
      name: 'Visa',
      card: {
        cardholderName: 'Al Smith',
        brand: 'Visa',
        number: '4111111111111111',
        expMonth: '4',
        expYear: '2029',
        code: '123',
      },
    },
    identity: {
      type: 'identity',
      name: 'Me',
      identity: {
        title: 'Mr',
        firstName: 'Al',
        lastName: 'Smith',
        email: 'al@example.com',
        passportNumber: 'X1234567',
        country: 'IE',
      },
    },
    sshKey: {
      type: 'sshKey',
      name: 'deploy',
      sshKey: { privateKey: key.privateKey, publicKey: key.publicKey },
    },
  };

  it.each(Object.keys(inputs))('writes a %s and reads every member back', async (type) => {
    const input = inputs[type] as Record<string, unknown>;
    const id = await create(input);
    const item = await read(id);
    const expected: Record<string, unknown> = { type: 'login', favorite: false, tags: [], ...input };
    if (type === 'login') {
      expected.uris = [
        { uri: 'https://accounts.google.com', match: 'domain' },
        { uri: 'https://mail.google.com', match: 'host' },
      ];
      expected.url = 'https://accounts.google.com';
    }
    if (type === 'sshKey') expected.sshKey = { ...(input.sshKey as object), fingerprint: key.fingerprint };
    expect(item).toEqual({
      ...expected,
      id,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('keeps the old password and a changed hidden field in the password history on update', async () => {
    const id = await create(inputs.login);
    const item = await read(id);
    const { id: _i, version, createdAt: _c, updatedAt: _u, ...content } = item;
    const fields = (content.fields as { name: string; value?: string; type: string }[]).map((f) =>
      f.name === 'PIN' ? { ...f, value: '9999' } : f,
    );
    const res = await send(`/v1/secrets/${id}`, {
      method: 'PUT',
      headers: { 'if-match': `"${version}"` },
      body: { ...content, password: 'second password', fields },
      bearer,
    });
    expect(res.status).toBe(200);
    const updated = await read(id);
    expect(updated.password).toBe('second password');
    expect(updated.passwordHistory).toEqual([
      { password: 'first password', lastUsedDate: updated.updatedAt },
      { password: 'PIN: 1234', lastUsedDate: updated.updatedAt },
    ]);
    // A client that does not know the history (it sends none) does not erase it.
    const { passwordHistory: _h, id: _i2, version: v2, createdAt: _c2, updatedAt: _u2, ...again } = updated;
    await send(`/v1/secrets/${id}`, {
      method: 'PUT',
      headers: { 'if-match': `"${v2}"` },
      body: { ...again, notes: 'edited' },
      bearer,
    });
    expect((await read(id)).passwordHistory).toEqual(updated.passwordHistory);
  });

  it.each([
    [{ type: 'card', name: 'x', username: 'u' }, 'username'],
    [{ type: 'sshKey', name: 'x' }, 'sshKey'],
    [{ type: 'sshKey', name: 'x', sshKey: { privateKey: 'NOT-A-KEY' } }, 'sshKey.privateKey'],
    [{ name: 'x', fields: [{ name: 'f', type: 'linked' }] }, 'fields.0.linked'],
    [{ type: 'card', name: 'x', card: { expMonth: '13' } }, 'card.expMonth'],
    [{ type: 'vehicle', name: 'x' }, 'type'],
  ])('refuses %j naming %s', async (body, path) => {
    const res = await send<{ errors?: { path: string }[]; detail: string }>('/v1/secrets', {
      method: 'POST',
      body,
      bearer,
      headers: idempotent(),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(path.split('.').at(-1) as string);
    expect(res.text).not.toContain('NOT-A-KEY');
  });

  it("answers a login's current TOTP code with the seconds left, computed by the server and never logged", async () => {
    const id = await create({ ...inputs.login, name: 'TOTP login' });
    const res = await send<{ code: string; period: number; remaining: number }>(`/v1/secrets/${id}/totp`, {
      bearer,
    });
    expect(res.status).toBe(200);
    expect(res.body.code).toMatch(/^\d{6}$/);
    expect(res.body.period).toBe(30);
    expect(res.body.remaining).toBeGreaterThanOrEqual(1);
    expect(res.body.remaining).toBeLessThanOrEqual(30);
    const logs = suite?.logs.text() ?? '';
    expect(logs).toContain('account created'); // the capture sees the functions' logs
    expect(logs).not.toContain('JBSWY3DPEHPK3PXP');
    expect(logs).not.toContain(res.body.code);
    expect(logs).not.toContain('first password');
  });

  it('answers 409 totp_absent for an item without a TOTP secret, and 404 for an unknown item', async () => {
    const id = await create(inputs.note);
    const absent = await send<{ code: string }>(`/v1/secrets/${id}/totp`, { bearer });
    expect(absent.status).toBe(409);
    expect(absent.body.code).toBe('totp_absent');
    const unknown = await send<{ code: string }>(`/v1/secrets/${randomUUID()}/totp`, { bearer });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });
});
