import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KmsJwsSigner } from '@kmsvault/core';
import { freePort, type LocalStack, startLocalStack } from '@kmsvault/local';
import { barrier, RecordingProxy } from './recording-proxy';
import { runCli } from './run-cli';

const BIN = resolve(__dirname, '../bin/kmsvault.cjs');

interface Stored {
  apiUrl: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

describe('The kmsvault CLI keeps secrets out of argv, refuses plain http, and keeps sessions whole', () => {
  let stack: LocalStack;
  let proxy: RecordingProxy;
  let apiUrl: string;
  const password = 'a command line passphrase';
  let users = 0;

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-cli-sec-')),
      config: { scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } },
    });
    proxy = new RecordingProxy(stack.info.apiUrl);
    apiUrl = await proxy.start();
  });

  afterAll(async () => {
    await proxy?.stop();
    await stack?.stop();
  });

  /** Runs `kmsvault ...args` as its own process, against the recording proxy, with its own config home. */
  const cli = (home: string, args: string[], stdin = '', env: Record<string, string> = {}) =>
    runCli(home, apiUrl, args, stdin, env);

  /**
   * Runs `kmsvault ...args` on a pseudo-terminal (util-linux `script`), types
   * `typed` and Enter once the prompt shows, and returns everything the
   * terminal displayed.
   */
  function cliOnTerminal(home: string, args: string[], prompt: string, typed: string) {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, BIN, ...args].map(quote).join(' ');
    return new Promise<{ code: number | null; screen: string }>((resolvePromise) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        env: { ...process.env, XDG_CONFIG_HOME: home, KMSVAULT_API_URL: apiUrl, SHELL: '/bin/sh' },
        cwd: tmpdir(),
      });
      let screen = '';
      let answered = false;
      child.stdout.on('data', (c: Buffer) => {
        screen += c.toString();
        if (!answered && screen.includes(prompt)) {
          answered = true;
          child.stdin.write(`${typed}\r`);
        }
      });
      child.on('close', (code) => {
        child.stdin.end();
        resolvePromise({ code, screen });
      });
    });
  }

  const credentialsFile = (home: string) => join(home, 'kmsvault', 'credentials.json');
  const stored = (home: string) => JSON.parse(readFileSync(credentialsFile(home), 'utf8')) as Stored;

  /** A new account, logged in through the CLI in a config home of its own. */
  async function loggedIn(): Promise<{ home: string; user: string }> {
    users += 1;
    const user = `cli-sec-${process.pid}-${users}`;
    const home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-sec-home-'));
    const signup = await fetch(`${stack.info.apiUrl}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password }),
    });
    expect(signup.status).toBe(201);
    expect((await cli(home, ['login', '--username', user, '--password-stdin'], `${password}\n`)).code).toBe(
      0,
    );
    return { home, user };
  }

  /** Swaps the stored access token for a properly signed one of the same session that expired 30 minutes ago. */
  async function expireAccessToken(home: string): Promise<void> {
    const current = stored(home);
    const claims = JSON.parse(
      Buffer.from(current.accessToken.split('.')[1] as string, 'base64url').toString(),
    );
    const now = Math.floor(Date.now() / 1000);
    const signer = new KmsJwsSigner({ kms: stack.kmsAs('auth'), keyId: stack.config.keys.signing });
    const expired = await signer.sign({ ...claims, iat: now - 3600, nbf: now - 3600, exp: now - 1800 });
    writeFileSync(credentialsFile(home), JSON.stringify({ ...current, accessToken: expired }), {
      mode: 0o600,
    });
  }

  const refreshWith = (refreshToken: string) =>
    fetch(`${stack.info.apiUrl}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });

  describe('secret values never come from argv', () => {
    it('refuses a secret value in argv with exit 2, naming the safe alternatives, without echoing it', async () => {
      // Arrange
      const { home, user } = await loggedIn();
      const before = proxy.requests.length;

      // Act
      const added = await cli(home, ['add', '--name', 'Bank', '--password', 's3cret-in-argv']);
      const inline = await cli(home, ['add', '--name', 'Bank', '--password=s3cret-in-argv']);
      const edited = await cli(home, ['edit', 'Bank', '--password', 's3cret-in-argv']);
      const notes = await cli(home, ['add', '--name', 'Bank', '--notes', 'PIN 1234 in argv']);
      const login = await cli(home, ['login', '--username', user, '--password', 's3cret-in-argv']);

      // Assert
      const refusal =
        'kmsvault: --password would show the secret in the process list and the shell history; use --ask-password (a prompt that does not echo), --password-stdin, or --stdin with a JSON object\n';
      expect(added).toEqual({ code: 2, stdout: '', stderr: refusal });
      expect(inline).toEqual({ code: 2, stdout: '', stderr: refusal });
      expect(edited).toEqual({ code: 2, stdout: '', stderr: refusal });
      expect(notes).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'kmsvault: --notes would show the secret in the process list and the shell history; use --notes-stdin, or --stdin with a JSON object\n',
      });
      expect(login).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'kmsvault: --password would show the secret in the process list and the shell history; use the prompt on a terminal, or --password-stdin\n',
      });
      expect(proxy.requests.length).toBe(before); // refused before anything was sent
      expect(JSON.parse((await cli(home, ['ls', '--json'])).stdout)).toEqual([]);
    });

    it('takes the site password from --password-stdin and the notes from --notes-stdin, one of them per run', async () => {
      // Arrange
      const { home } = await loggedIn();

      // Act
      const added = await cli(
        home,
        ['add', '--name', 'Bank', '--password-stdin', '--json'],
        'pw from stdin\n',
      );
      const id = (JSON.parse(added.stdout) as { id: string }).id;
      const edited = await cli(home, ['edit', id, '--notes-stdin'], 'PIN 1234\nsecond line\n');
      const both = await cli(home, ['add', '--name', 'X', '--password-stdin', '--notes-stdin'], 'pw\n');
      const asked = await cli(home, ['add', '--name', 'X', '--ask-password'], 'pw\n');
      const empty = await cli(home, ['edit', id, '--password-stdin'], '\n');

      // Assert
      expect(added.code).toBe(0);
      expect(edited.code).toBe(0);
      expect((await cli(home, ['get', id, '--field', 'password'])).stdout).toBe('pw from stdin\n');
      expect((await cli(home, ['get', id, '--field', 'notes'])).stdout).toBe('PIN 1234\nsecond line\n');
      expect(both).toEqual({
        code: 2,
        stdout: '',
        stderr: 'kmsvault: stdin can serve one flag only; got --password-stdin and --notes-stdin\n',
      });
      expect(asked).toEqual({
        code: 2,
        stdout: '',
        stderr: 'kmsvault: no terminal to ask for the password on; use --password-stdin\n',
      });
      expect(empty).toEqual({ code: 2, stdout: '', stderr: 'kmsvault: the password is empty\n' });
    });

    it('asks for the site password on a terminal without echoing it (--ask-password)', async () => {
      // Arrange
      const { home } = await loggedIn();
      const typed = 'typed-on-the-terminal-42';

      // Act
      const run = await cliOnTerminal(
        home,
        ['add', '--name', 'Typed', '--ask-password'],
        'Password for the site: ',
        typed,
      );

      // Assert
      expect(run.code).toBe(0);
      expect(run.screen).toMatch(/Password for the site: \r?\n/);
      expect(run.screen).toMatch(/Added [0-9a-f-]{36}\./);
      expect(run.screen.includes(typed)).toBe(false);
      expect((await cli(home, ['get', 'Typed', '--field', 'password'])).stdout).toBe(`${typed}\n`);
    });
  });

  describe('the API address', () => {
    it('refuses http:// to any host but loopback, from --api-url, KMSVAULT_API_URL or the stored login (exit 2)', async () => {
      // Arrange
      const home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-sec-home-'));
      const refusal = (origin: string) =>
        `kmsvault: refusing ${origin}: plain http would send passwords, tokens and secrets over the network unencrypted; use https://, or http:// only on this machine (localhost, 127.0.0.0/8, [::1])\n`;

      // Act
      const flag = await cli(
        home,
        ['signup', '--username', 'nobody', '--password-stdin', '--api-url', 'http://vault.example.com'],
        'pw pw pw pw\n',
      );
      const env = await cli(home, ['login', '--username', 'nobody', '--password-stdin'], 'pw pw pw pw\n', {
        KMSVAULT_API_URL: 'http://192.168.1.10:8080/',
      });
      const unspecified = await cli(home, ['ls'], '', { KMSVAULT_API_URL: 'http://0.0.0.0:8080' });
      mkdirSync(join(home, 'kmsvault'), { recursive: true, mode: 0o700 });
      writeFileSync(
        join(home, 'kmsvault', 'credentials.json'),
        JSON.stringify({ apiUrl: 'http://10.0.0.7', username: 'u', accessToken: 'a', refreshToken: 'r' }),
        { mode: 0o600 },
      );
      const fromLogin = await cli(home, ['ls'], '', { KMSVAULT_API_URL: '' });
      const withCredentials = await cli(home, ['ls'], '', {
        KMSVAULT_API_URL: 'https://user:hunter2@vault.example.com',
      });

      // Assert
      expect(flag).toEqual({ code: 2, stdout: '', stderr: refusal('http://vault.example.com') });
      expect(env).toEqual({ code: 2, stdout: '', stderr: refusal('http://192.168.1.10:8080') });
      expect(unspecified).toEqual({ code: 2, stdout: '', stderr: refusal('http://0.0.0.0:8080') });
      expect(fromLogin).toEqual({ code: 2, stdout: '', stderr: refusal('http://10.0.0.7') });
      expect(withCredentials).toEqual({
        code: 2,
        stdout: '',
        stderr: 'kmsvault: the API address must not carry a user name or password\n',
      });
    });

    it('accepts https:// anywhere and http:// on localhost, 127.0.0.0/8 and [::1]', async () => {
      // Arrange: closed ports, so each run gets as far as connecting, and no further.
      const home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-sec-home-'));
      const port = await freePort();
      const tried = (url: string) =>
        cli(home, ['signup', '--username', 'nobody', '--password-stdin'], 'pw pw pw pw\n', {
          KMSVAULT_API_URL: url,
        });

      // Act
      const runs = await Promise.all(
        [
          `https://0.0.0.0:${port}`,
          `http://localhost:${port}`,
          `http://127.0.0.1:${port}`,
          `http://127.1.2.3:${port}`,
          `http://[::1]:${port}`,
        ].map(tried),
      );

      // Assert: "cannot reach" (6), never refused (2)
      expect(runs.map((r) => r.code)).toEqual([6, 6, 6, 6, 6]);
      for (const run of runs) expect(run.stderr).toMatch(/^kmsvault: cannot reach /);
    });
  });

  describe('sessions', () => {
    it('shares one refresh among concurrent commands that find the access token expired; the session survives', async () => {
      // Arrange: four commands whose first request is held until all four have sent it with the expired token.
      const { home } = await loggedIn();
      expect((await cli(home, ['add', '--stdin'], JSON.stringify({ name: 'One' }))).code).toBe(0);
      await expireAccessToken(home);
      const start = proxy.requests.length;
      const arrive = barrier(4);
      proxy.gate = (r) => (r.method === 'GET' && r.path.startsWith('/v1/secrets') ? arrive() : undefined);

      // Act
      const runs = await Promise.all([1, 2, 3, 4].map(() => cli(home, ['ls', '--json'])));
      proxy.gate = undefined;

      // Assert
      expect(runs.map((r) => [r.code, r.stderr])).toEqual(Array(4).fill([0, '']));
      for (const run of runs)
        expect(JSON.parse(run.stdout).map((s: { name: string }) => s.name)).toEqual(['One']);
      const refreshes = proxy.requests.slice(start).filter((r) => r.path === '/v1/auth/refresh');
      expect(refreshes).toHaveLength(1);
      const after = await cli(home, ['ls', '--json']);
      expect(after.code).toBe(0);
      expect(proxy.requests.slice(start).filter((r) => r.path === '/v1/auth/refresh')).toHaveLength(1);
      expect(statSync(credentialsFile(home)).mode & 0o777).toBe(0o600);
      expect(existsSync(`${credentialsFile(home)}.lock`)).toBe(false);
    });

    // Needs the server side of issue 13 item 8 (logout takes the refresh token alone, no bearer).
    it('logs out with the refresh token alone after the access token expired, and the session is revoked', async () => {
      // Arrange
      const { home } = await loggedIn();
      await expireAccessToken(home);
      const tokens = stored(home);
      const start = proxy.requests.length;

      // Act
      const res = await cli(home, ['logout']);

      // Assert
      const sent = proxy.requests.slice(start);
      const logouts = sent.filter((r) => r.path === '/v1/auth/logout');
      expect(logouts).toHaveLength(1);
      expect(logouts[0]?.authorization).toBe(false); // the expired access token is not sent
      expect(logouts[0]?.body?.refreshToken === tokens.refreshToken).toBe(true);
      expect(sent.filter((r) => r.path === '/v1/auth/refresh')).toHaveLength(0);
      expect(res).toEqual({ code: 0, stdout: 'Logged out.\n', stderr: '' });
      expect(existsSync(credentialsFile(home))).toBe(false);
      expect((await refreshWith(tokens.refreshToken)).status).toBe(401);
    });

    it('sends no device token at a first login, and logs in all the same when the server gives none', async () => {
      const start = proxy.requests.length;
      const { home } = await loggedIn();
      const login = proxy.requests.slice(start).filter((r) => r.path === '/v1/auth/login');
      expect(login).toHaveLength(1);
      expect(Object.keys(login[0]?.body ?? {}).sort()).toEqual(['password', 'username']);
      expect(stored(home).apiUrl).toBe(apiUrl);
    });

    // Needs the server side of issue 13 item 5 (login answers a deviceToken and accepts one).
    it('keeps the known-device token per API address and username (0600, across logout) and sends it at the next login', async () => {
      // Arrange
      const { home, user } = await loggedIn();
      const devicesFile = join(home, 'kmsvault', 'devices.json');
      const devices = () =>
        JSON.parse(readFileSync(devicesFile, 'utf8')) as Record<string, Record<string, string>>;
      const kept = devices()[new URL(apiUrl).href]?.[user];
      expect(typeof kept).toBe('string');
      expect(statSync(devicesFile).mode & 0o777).toBe(0o600);

      // Act
      expect((await cli(home, ['logout'])).code).toBe(0);
      const afterLogout = devices()[new URL(apiUrl).href]?.[user];
      const start = proxy.requests.length;
      const again = await cli(
        home,
        ['login', '--username', user.toUpperCase(), '--password-stdin'],
        `${password}\n`,
      );

      // Assert
      expect(afterLogout === kept).toBe(true);
      expect(again.code).toBe(0);
      const login = proxy.requests.slice(start).filter((r) => r.path === '/v1/auth/login');
      expect(login).toHaveLength(1);
      expect(login[0]?.body?.deviceToken === kept).toBe(true);
    });

    // Needs the server side of issue 13 item 11 (the list names unreadable items instead of answering 500).
    it('lists the readable secrets and warns on stderr naming those that fail the integrity check', async () => {
      // Arrange: one item's encrypted name flipped by a byte in the table.
      const { home } = await loggedIn();
      for (const name of ['Readable', 'Broken'])
        expect(
          (await cli(home, ['add', '--stdin'], JSON.stringify({ name, password: `pw-${name}` }))).code,
        ).toBe(0);
      const listed = JSON.parse((await cli(home, ['ls', '--json'])).stdout) as { id: string; name: string }[];
      const broken = listed.find((s) => s.name === 'Broken')?.id as string;
      const userId = JSON.parse(
        Buffer.from(stored(home).accessToken.split('.')[1] as string, 'base64url').toString(),
      ).sub as string;
      const key = { pk: { S: `USER#${userId}` }, sk: { S: `SECRET#${broken}` } };
      const { Item } = await stack.dynamodb.send(
        new GetItemCommand({ TableName: stack.config.tables.vault, Key: key, ConsistentRead: true }),
      );
      const name = Item?.name?.B as Uint8Array;
      const flipped = Buffer.from(name);
      flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
      await stack.dynamodb.send(
        new PutItemCommand({ TableName: stack.config.tables.vault, Item: { ...Item, name: { B: flipped } } }),
      );

      // Act
      const res = await cli(home, ['ls', '--json']);

      // Assert
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout).map((s: { name: string }) => s.name)).toEqual(['Readable']);
      expect(res.stderr).toBe(
        `kmsvault: warning: 1 secret fails the integrity check and is not shown: ${broken}\n`,
      );
    });
  });
});
