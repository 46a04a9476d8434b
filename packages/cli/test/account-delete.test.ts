import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { type LocalStack, startLocalStack } from '@kmsvault/local';
import { run } from '../src/main';
import { runCli } from './run-cli';

/**
 * `kmsvault account delete` against the local stack: spawned with
 * --password-stdin and --yes, and in-process on a (simulated) terminal for
 * the typed confirmation.
 */
describe('kmsvault account delete', () => {
  let stack: LocalStack;
  let counter = 0;
  const password = 'an account deletion passphrase';

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-cli-delete-')),
      config: { scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } },
      logLevel: 'WARN',
    });
  });

  afterAll(() => stack.stop());

  /** A call of the API itself (setup only: what the CLI does is what is tested). */
  const api = async (method: string, path: string, body?: unknown, bearer?: string) => {
    const res = await fetch(new URL(path, stack.info.apiUrl), {
      method,
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `k-${++counter}`,
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as { id: string } };
  };

  /** A user logged in by the CLI in its own config home, with two secrets, one of them in the trash. */
  async function loggedIn() {
    const home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-delete-home-'));
    const username = `cli-delete-${process.pid}-${++counter}`;
    const cli = (args: string[], stdin = '') => runCli(home, stack.info.apiUrl, args, stdin);
    const credentials = join(home, 'kmsvault', 'credentials.json');
    expect((await api('POST', '/v1/auth/signup', { username, password })).status).toBe(201);
    expect((await cli(['login', '--username', username, '--password-stdin'], `${password}\n`)).code).toBe(0);
    const { accessToken } = JSON.parse(readFileSync(credentials, 'utf8')) as { accessToken: string };
    expect((await api('POST', '/v1/secrets', { name: 'Kept' }, accessToken)).status).toBe(201);
    const binned = await api('POST', '/v1/secrets', { name: 'Binned' }, accessToken);
    expect((await api('DELETE', `/v1/secrets/${binned.body.id}`, undefined, accessToken)).status).toBe(204);
    return { home, username, cli, credentials };
  }

  it('deletes the account with --yes and --password-stdin, says what went, and forgets the tokens', async () => {
    // Arrange
    const u = await loggedIn();

    // Act
    const res = await u.cli(['account', 'delete', '--yes', '--password-stdin'], `${password}\n`);

    // Assert
    expect(res).toEqual({
      code: 0,
      stdout:
        `Deleted the account ${u.username}: 1 secret and its versions, 1 in the trash, every ` +
        'session and the account keys. The username is free. Backups of the vault table (point-in-time ' +
        'recovery) keep the deleted items for up to 35 days.\n',
      stderr: '',
    });
    expect(existsSync(u.credentials)).toBe(false);
    const old = await u.cli(['login', '--username', u.username, '--password-stdin'], `${password}\n`);
    expect(old).toMatchObject({ code: 3, stderr: 'kmsvault: The username or password is wrong.\n' });
    const again = await u.cli(['signup', '--username', u.username, '--password-stdin'], `${password}\n`);
    expect(again.code).toBe(0);
  });

  it('refuses without --yes when there is no terminal to confirm on, and deletes nothing', async () => {
    // Arrange
    const u = await loggedIn();

    // Act
    const res = await u.cli(['account', 'delete', '--password-stdin'], `${password}\n`);

    // Assert
    expect(res).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'kmsvault: account delete asks for the username on a terminal to confirm; pass --yes to skip that\n',
    });
    expect(JSON.parse((await u.cli(['ls', '--json'])).stdout)).toHaveLength(1);
  });

  it('answers a wrong password with exit 3 and deletes nothing', async () => {
    // Arrange
    const u = await loggedIn();

    // Act
    const res = await u.cli(['account', 'delete', '--yes', '--password-stdin'], 'not the password\n');

    // Assert
    expect(res).toEqual({ code: 3, stdout: '', stderr: 'kmsvault: The password is wrong.\n' });
    expect(existsSync(u.credentials)).toBe(true);
    expect(JSON.parse((await u.cli(['ls', '--json'])).stdout)).toHaveLength(1);
  });

  describe('on a terminal', () => {
    /**
     * Runs the CLI in-process with a stdin that says it is a terminal: each
     * prompt written to stderr is answered with the next of `answers`.
     */
    async function onTerminal(home: string, args: string[], answers: string[]) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
      let stdout = '';
      let stderr = '';
      const prompts: string[] = [];
      const err = new Writable({
        write(chunk: Buffer, _encoding, done) {
          const text = chunk.toString();
          stderr += text;
          if (/: $/.test(text)) {
            prompts.push(text);
            const answer = answers.shift();
            setImmediate(() => (answer === undefined ? stdin.end() : stdin.write(`${answer}\r`)));
          }
          done();
        },
      });
      const out = new Writable({
        write(chunk: Buffer, _encoding, done) {
          stdout += chunk.toString();
          done();
        },
      });
      const code = await run(args, {
        stdin,
        stdout: out,
        stderr: err,
        env: { ...process.env, XDG_CONFIG_HOME: home, KMSVAULT_API_URL: stack.info.apiUrl },
        cwd: tmpdir(),
      });
      return { code, stdout, stderr, prompts };
    }

    it('deletes nothing when the username typed does not match', async () => {
      // Arrange
      const u = await loggedIn();

      // Act
      const res = await onTerminal(u.home, ['account', 'delete'], [`${u.username}x`]);

      // Assert: it told what would go, asked for the username, and never for the password.
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(
        `This deletes the account ${u.username} at ${new URL(stack.info.apiUrl).origin}`,
      );
      expect(res.stderr).toContain('1 secret and its versions, 1 in the trash');
      expect(res.prompts).toEqual([`Type the username (${u.username}) to confirm: `]);
      expect(res.stderr).toContain('kmsvault: the username typed does not match; nothing was deleted');
      expect(JSON.parse((await u.cli(['ls', '--json'])).stdout)).toHaveLength(1);
    });

    it('deletes the account after the username typed and the password', async () => {
      // Arrange
      const u = await loggedIn();

      // Act
      const res = await onTerminal(u.home, ['account', 'delete', '--json'], [u.username, password]);

      // Assert
      expect(res.prompts).toEqual([`Type the username (${u.username}) to confirm: `, 'Password: ']);
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual({ deleted: true, username: u.username, secrets: 1, trash: 1 });
      expect(res.stderr).not.toContain(password);
      expect(existsSync(u.credentials)).toBe(false);
      const old = await u.cli(['login', '--username', u.username, '--password-stdin'], `${password}\n`);
      expect(old.code).toBe(3);
    });
  });
});
