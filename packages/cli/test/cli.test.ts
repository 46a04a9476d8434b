import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmsJwsSigner } from '@kmsvault/core';
import { freePort, type LocalStack, startLocalStack } from '@kmsvault/local';
import { runCli } from './run-cli';

describe('The kmsvault CLI, spawned against the local stack', () => {
  let stack: LocalStack;
  let home: string;
  const user = `cli-${process.pid}`;
  const password = 'a command line passphrase';

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-cli-')),
      config: { scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } },
    });
    home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-home-'));
  });

  afterAll(() => stack.stop());

  /** Runs `kmsvault ...args` as its own process, with its own XDG config home. */
  const cli = (args: string[], stdin = '', env: Record<string, string> = {}) =>
    runCli(home, stack.info.apiUrl, args, stdin, env);

  const credentialsFile = () => join(home, 'kmsvault', 'credentials.json');

  it('signs up, refuses a taken username (conflict, exit 5), and logs in from --password-stdin', async () => {
    const created = await cli(['signup', '--username', user, '--password-stdin'], `${password}\n`);
    expect(created).toMatchObject({ code: 0, stdout: `Account ${user} created.\n` });
    const taken = await cli(['signup', '--username', user, '--password-stdin'], `${password}\n`);
    expect(taken).toEqual({ code: 5, stdout: '', stderr: 'kmsvault: This username is taken.\n' });
    const login = await cli(['login', '--username', user, '--password-stdin'], `${password}\n`);
    expect(login.code).toBe(0);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    const who = await cli(['whoami', '--json']);
    expect(JSON.parse(who.stdout)).toEqual({ username: user, apiUrl: new URL(stack.info.apiUrl).origin });
  });

  it('answers a wrong password with the API detail in one line and exit 3', async () => {
    const res = await cli(['login', '--username', user, '--password-stdin'], 'not it\n', {
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'h-')),
    });
    expect(res).toEqual({ code: 3, stdout: '', stderr: 'kmsvault: The username or password is wrong.\n' });
  });

  it('adds from flags and from JSON on stdin, lists, searches, and gets one field', async () => {
    const a = await cli(
      [
        'add',
        '--name',
        'Bank',
        '--url',
        'https://www.bank.example',
        '--username',
        'al',
        '--password-stdin',
        '--tag',
        'money',
        '--folder',
        'Finance',
        '--json',
      ],
      'pw-bank\n',
    );
    expect(a.code).toBe(0);
    const b = await cli(
      ['add', '--stdin'],
      JSON.stringify({ name: 'Mail', url: 'https://mail.example', password: 'pw-mail', tags: ['comms'] }),
    );
    expect(b.stdout).toMatch(/^Added [0-9a-f-]{36}\.\n$/);
    const all = JSON.parse((await cli(['ls', '--json'])).stdout) as { name: string }[];
    expect(all.map((s) => s.name)).toEqual(['Bank', 'Mail']);
    expect(
      JSON.parse((await cli(['ls', '--site', 'bank.example', '--json'])).stdout).map(
        (s: { name: string }) => s.name,
      ),
    ).toEqual(['Bank']);
    expect(
      JSON.parse((await cli(['ls', '--tag', 'comms', '--json'])).stdout).map((s: { name: string }) => s.name),
    ).toEqual(['Mail']);
    expect(
      JSON.parse((await cli(['ls', '--search', 'MAIL', '--json'])).stdout).map(
        (s: { name: string }) => s.name,
      ),
    ).toEqual(['Mail']);
    expect(
      JSON.parse((await cli(['ls', '--folder', 'finance', '--json'])).stdout).map(
        (s: { name: string }) => s.name,
      ),
    ).toEqual(['Bank']);
    expect(await cli(['get', 'bank', '--field', 'password'])).toEqual({
      code: 0,
      stdout: 'pw-bank\n',
      stderr: '',
    });
    const id = (JSON.parse(a.stdout) as { id: string }).id;
    expect(JSON.parse((await cli(['get', id, '--json'])).stdout)).toMatchObject({
      id,
      name: 'Bank',
      password: 'pw-bank',
      tags: ['money'],
    });
  });

  it('edits, keeps history, moves to the trash and restores', async () => {
    expect((await cli(['edit', 'Mail', '--password-stdin'], 'pw-mail-2\n')).stdout).toMatch(/version 2\.\n$/);
    expect((await cli(['get', 'Mail', '--field', 'password'])).stdout).toBe('pw-mail-2\n');
    const history = JSON.parse((await cli(['history', 'Mail', '--json'])).stdout) as { version: number }[];
    expect(history.map((h) => h.version)).toEqual([2, 1]);
    const id = (JSON.parse((await cli(['get', 'Mail', '--json'])).stdout) as { id: string }).id;
    expect((await cli(['rm', 'Mail'])).stdout).toBe('Moved Mail to the trash.\n');
    expect(JSON.parse((await cli(['trash', '--json'])).stdout).map((s: { id: string }) => s.id)).toEqual([
      id,
    ]);
    expect((await cli(['restore', id])).code).toBe(0);
    expect((await cli(['get', 'Mail', '--field', 'name'])).stdout).toBe('Mail\n');
  });

  it('exits 4 for something not found, 5 for a name two secrets share, 2 for bad usage', async () => {
    expect(await cli(['get', 'Nothing'])).toEqual({
      code: 4,
      stdout: '',
      stderr: 'kmsvault: no secret is named Nothing\n',
    });
    expect((await cli(['get', '00000000-0000-4000-8000-000000000000'])).code).toBe(4);
    expect((await cli(['restore', '00000000-0000-4000-8000-000000000000'])).code).toBe(4);
    await cli(['add', '--name', 'Twin']);
    await cli(['add', '--name', 'twin']);
    const twins = await cli(['get', 'twin']);
    expect(twins.code).toBe(5);
    expect(twins.stderr).toBe('kmsvault: 2 secrets are named twin; use an id (kmsvault ls)\n');
    expect(await cli(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kmsvault: unknown command frobnicate; see kmsvault --help\n',
    });
    expect((await cli(['ls', '--colour'])).code).toBe(2);
    expect((await cli(['add'])).code).toBe(2);
    const field = await cli(['get', 'Bank', '--field', 'pin']);
    expect(field.code).toBe(2);
    expect(field.stderr.split('\n')).toHaveLength(2);
  });

  it('refreshes an expired access token silently and stores the new tokens', async () => {
    // Arrange: swap the stored access token for a properly signed but expired one.
    const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    const signer = new KmsJwsSigner({ kms: stack.kmsAs('auth'), keyId: stack.config.keys.signing });
    const now = Math.floor(Date.now() / 1000);
    const sub = JSON.parse(Buffer.from(stored.accessToken.split('.')[1], 'base64url').toString()).sub;
    const expired = await signer.sign({
      iss: stack.config.tokens.issuer,
      aud: 'kmsvault-api',
      sub,
      sid: 's',
      iat: now - 3600,
      nbf: now - 3600,
      exp: now - 1800,
    });
    writeFileSync(credentialsFile(), JSON.stringify({ ...stored, accessToken: expired }), { mode: 0o600 });

    // Act
    const res = await cli(['ls', '--json']);

    // Assert
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const after = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect(after.accessToken).not.toBe(expired);
    expect(after.refreshToken).not.toBe(stored.refreshToken);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
  });

  it('generates passwords and passphrases', async () => {
    expect((await cli(['gen', '--length', '32'])).stdout).toMatch(/^\S{32}\n$/);
    expect((await cli(['gen', '--length', '12', '--no-symbols'])).stdout).toMatch(/^[A-Za-z0-9]{12}\n$/);
    expect((await cli(['gen', '--words', '5', '--separator', '.'])).stdout).toMatch(
      /^[a-z-]+(\.[a-z-]+){4}\n$/,
    );
    const json = JSON.parse((await cli(['gen', '--json'])).stdout);
    expect(json.entropyBits).toBeGreaterThan(100);
  });

  it('imports a 1,000-row file with progress, and exports', async () => {
    // Arrange
    const file = join(home, 'chrome.csv');
    const rows = Array.from(
      { length: 1000 },
      (_, i) => `Site ${i},https://site${i}.example,user${i},pw-${i}`,
    );
    rows[499] = `${'x'.repeat(300)},https://bad.example,u,p`; // one row too long for a name
    writeFileSync(file, ['name,url,username,password', ...rows].join('\n'));

    // Act
    const res = await cli(['import', file, '--format', 'chrome-csv']);

    // Assert
    expect(res.code).toBe(5);
    const progress = res.stderr.trim().split('\n');
    expect(progress[0]).toBe(`importing [${' '.repeat(30)}] 0/1000 rows`);
    expect(progress).toHaveLength(3); // 1,000 short rows: two requests of 500
    expect(progress.at(-1)).toBe(`importing [${'#'.repeat(30)}] 1000/1000 rows`);
    expect(res.stdout).toMatch(
      /^Imported 999 of 1000 rows; 1 failed\.\n {2}row 500: name must be at most 256 characters\n$/,
    );
    const again = await cli(['import', file, '--format', 'chrome-csv', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      imported: 0,
      skipped: 999,
      skippedBy: { present: 999 },
      failed: 1,
    });
    const listed = JSON.parse((await cli(['ls', '--search', 'site', '--json'])).stdout) as unknown[];
    expect(listed).toHaveLength(999);

    const refused = await cli(['export', '--format', 'csv', '--password-stdin'], 'not the password\n');
    expect(refused).toMatchObject({ code: 3, stdout: '' });
    expect(refused.stderr).toContain('The password is wrong.');
    const csv = await cli(['export', '--format', 'csv', '--password-stdin'], `${password}\n`);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toBe(
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
    );
    expect(csv.stdout).toContain('pw-bank');
  });

  it('logs out, removing the stored tokens', async () => {
    const stored = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect((await cli(['logout'])).stdout).toBe('Logged out.\n');
    expect(() => statSync(credentialsFile())).toThrow();
    expect(await cli(['ls'])).toEqual({
      code: 3,
      stdout: '',
      stderr: 'kmsvault: not logged in; run kmsvault login\n',
    });
    const refresh = await fetch(`${stack.info.apiUrl}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: stored.refreshToken }),
    });
    expect(refresh.status).toBe(401);
  });

  it('never prints a stack trace, even when the API is unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const res = await cli(['signup', '--username', 'nobody', '--password-stdin'], 'pw pw pw pw\n', {
      KMSVAULT_API_URL: closed,
    });
    expect(res.code).toBe(6);
    expect(res.stderr).toBe(`kmsvault: cannot reach ${closed}: ECONNREFUSED\n`);
  });
});
