import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '@kmsvault/local';
import { runCli } from './run-cli';

/** The CLI's item types, spawned as the installed bundle against the local stack. */
describe('The kmsvault CLI with every item type', () => {
  let stack: LocalStack;
  let home: string;
  const password = 'a command line passphrase for items';

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-cli-items-')),
      config: { scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } },
      functionLogs: () => {},
    });
    home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-items-home-'));
    await cli(['signup', '--username', 'items-user', '--password-stdin'], `${password}\n`);
    await cli(['login', '--username', 'items-user', '--password-stdin'], `${password}\n`);
  });

  afterAll(() => stack.stop());

  const cli = (args: string[], stdin = '') => runCli(home, stack.info.apiUrl, args, stdin);

  it('adds a login with two URIs and a match rule, gives it a TOTP secret from stdin, and shows its code', async () => {
    const add = await cli([
      'add',
      '--name',
      'Google',
      '--url',
      'https://accounts.google.com',
      '--url',
      'https://mail.google.com',
      '--match',
      'host',
      '--username',
      'al',
      '--favorite',
    ]);
    expect(add).toMatchObject({ code: 0 });
    const totp = await cli(
      ['edit', 'Google', '--totp-stdin'],
      'otpauth://totp/Google:al?secret=JBSWY3DPEHPK3PXP\n',
    );
    expect(totp.code).toBe(0);
    const shown = await cli(['get', 'Google']);
    expect(shown.stdout.split('\n').slice(0, 5)).toEqual([
      expect.stringMatching(/^Google \(login, [0-9a-f-]{36}, version 2\) {2}★$/),
      'url:      https://accounts.google.com  (host)',
      '          https://mail.google.com  (host)',
      'username: al',
      'totp:     set (kmsvault totp shows the code)',
    ]);
    expect(shown.stdout).not.toContain('JBSWY3DPEHPK3PXP');
    const code = await cli(['totp', 'Google', '--json']);
    expect(code.code).toBe(0);
    const parsed = JSON.parse(code.stdout) as { code: string; period: number; remaining: number };
    expect(parsed.code).toMatch(/^\d{6}$/);
    expect(parsed.period).toBe(30);
    const human = await cli(['totp', 'Google']);
    expect(human.stdout).toMatch(/^\d{6} {2}\(\d+ s left\)\n$/);
    const none = await cli(['totp', 'nothing-by-this-name']);
    expect(none.code).toBe(4);
  });

  it('adds a card from JSON, changes its expiry from a flag, and gets one member', async () => {
    const card = {
      type: 'card',
      name: 'Visa',
      card: {
        cardholderName: 'Al Smith',
        number: '4111111111111111',
        expMonth: '4',
        expYear: '2029',
        code: '123',
      },
    };
    expect((await cli(['add', '--stdin'], JSON.stringify(card))).code).toBe(0);
    expect((await cli(['edit', 'Visa', '--expiry', '05/2031'])).code).toBe(0);
    expect((await cli(['get', 'Visa', '--field', 'card.number'])).stdout).toBe('4111111111111111\n');
    const shown = (await cli(['get', 'Visa'])).stdout;
    expect(shown).toContain('cardholder: Al Smith');
    expect(shown).toContain('expires:  05/2031');
    expect(shown).toContain('code:     123');
    const totp = await cli(['totp', 'Visa']);
    expect(totp).toEqual({ code: 5, stdout: '', stderr: 'kmsvault: This secret has no TOTP secret.\n' });
  });

  it('adds an SSH key from its files and shows the fingerprint ssh-keygen prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-cli-ssh-'));
    const file = join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', file]);
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    const add = await cli([
      'add',
      '--type',
      'ssh-key',
      '--name',
      'deploy',
      '--private-key-file',
      file,
      '--public-key-file',
      `${file}.pub`,
    ]);
    expect(add.code).toBe(0);
    expect((await cli(['get', 'deploy', '--field', 'sshKey.fingerprint'])).stdout).toBe(`${fingerprint}\n`);
    expect((await cli(['ls'])).stdout).toContain('deploy');
  });

  it('refuses a card number or TOTP secret on the command line, and bad flags, as usage errors', async () => {
    expect((await cli(['add', '--name', 'x', '--type', 'vehicle'])).code).toBe(2);
    expect((await cli(['add', '--name', 'x', '--match', 'host'])).stderr).toContain(
      '--match applies to the --url',
    );
    const noTerminal = await cli(['add', '--type', 'card', '--name', 'x', '--ask-card']);
    expect(noTerminal).toMatchObject({ code: 2 });
    expect(noTerminal.stderr).toContain('no terminal to ask for the card on');
  });
});
