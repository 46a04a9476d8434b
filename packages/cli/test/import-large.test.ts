import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '@kmsvault/local';
import { runCli } from './run-cli';

/**
 * Issue 17's large import through the installed CLI bundle on the local
 * stack: a 5,000-item Bitwarden JSON whose items vary in size goes in
 * requests cut by bytes, with progress; the same file again duplicates
 * nothing; a file in Windows-1252 keeps its letters.
 */
describe('kmsvault import: large files and encodings', () => {
  let stack: LocalStack;
  let home: string;
  const password = 'a large import passphrase';
  const cli = (args: string[], stdin = '') => runCli(home, stack.info.apiUrl, args, stdin);

  beforeAll(async () => {
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-cli-import-')),
      config: { scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 } },
      logLevel: 'WARN',
    });
    home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-import-home-'));
    const username = `large-${process.pid}`;
    for (const command of ['signup', 'login']) {
      const res = await cli(
        [command, '--username', username, '--password-stdin'],
        `${password}
`,
      );
      expect(res.code).toBe(0);
    }
  });

  afterAll(() => stack.stop());

  const count = async () => {
    const res = await cli(['ls', '--json']);
    expect(res.code).toBe(0);
    return (JSON.parse(res.stdout) as unknown[]).length;
  };

  it('imports 5,000 items in requests under 200 kB with progress, then the same file again skips all 5,000', async () => {
    // Arrange: one item in 50 carries 20 kB of notes, so a fixed number of rows per request would overflow.
    const items = Array.from({ length: 5000 }, (_, i) => ({
      type: 1,
      name: `Bulk ${String(i).padStart(4, '0')}`,
      notes: i % 50 === 0 ? 'n'.repeat(20_000) : null,
      login: {
        username: `user${i}`,
        password: `pw-${i}`,
        uris: [{ uri: `https://bulk${i}.example`, match: null }],
      },
    }));
    const file = join(home, 'bitwarden.json');
    writeFileSync(file, JSON.stringify({ encrypted: false, folders: [], items }, null, 2));

    // Act
    const first = await cli(['import', file]);
    const again = await cli(['import', file, '--json']);

    // Assert
    expect(first.code).toBe(0);
    const progress = first.stderr.trim().split('\n');
    expect(progress[0]).toBe(`importing [${' '.repeat(30)}] 0/5000 rows`);
    expect(progress.at(-1)).toBe(`importing [${'#'.repeat(30)}] 5000/5000 rows`);
    expect(progress.length).toBeGreaterThan(11); // more requests than 500-row batches alone would make
    expect(first.stdout).toBe('Imported 5000 of 5000 rows.\n');
    expect(JSON.parse(again.stdout)).toMatchObject({
      imported: 0,
      skipped: 5000,
      skippedBy: { present: 5000 },
      failed: 0,
    });
    expect(await count()).toBe(5000);
  });

  it('reads a Windows-1252 CSV as such: ä, ß and € arrive, never U+FFFD', async () => {
    const file = join(home, 'latin1.csv');
    const text = 'name,url,username,password\nKäse Straße €,https://kaese.example,jörg,pässwort\n';
    writeFileSync(file, Buffer.from(text.replace('€', '\u0080'), 'latin1'));
    const res = await cli(['import', file]);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('is not UTF-8; read it as windows-1252');
    const shown = await cli(['get', 'Käse Straße €', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      name: 'Käse Straße €',
      username: 'jörg',
      password: 'pässwort',
    });
  });

  it('exports a password-protected file and imports it into another account, the same items field for field', async () => {
    // Arrange: the Windows-1252 item and 5,000 bulk ones are in this vault; a second account, in its own home.
    const otherHome = mkdtempSync(join(tmpdir(), 'kmsvault-cli-import-other-'));
    const other = (args: string[], stdin = '') => runCli(otherHome, stack.info.apiUrl, args, stdin);
    for (const command of ['signup', 'login']) {
      const res = await other(
        [command, '--username', `other-${process.pid}`, '--password-stdin'],
        'another passphrase here\n',
      );
      expect(res.code).toBe(0);
    }

    // Act
    const sealed = await cli(
      ['export', '--format', 'encrypted_json', '--password-stdin'],
      `${password}\nfile password 99\n`,
    );
    const file = join(otherHome, 'vault.encrypted.json');
    writeFileSync(file, sealed.stdout);
    const wrong = await other(['import', file, '--password-stdin'], 'not the file password\n');
    const imported = await other(['import', file, '--json', '--password-stdin'], 'file password 99\n');

    // Assert
    expect(sealed.code).toBe(0);
    expect(JSON.parse(sealed.stdout)).toMatchObject({
      encrypted: true,
      passwordProtected: true,
      kdfType: 0,
      kdfIterations: 600000,
    });
    expect(sealed.stdout).not.toContain('Bulk 0001');
    expect(wrong).toMatchObject({
      code: 2,
      stderr: 'kmsvault: The password does not open this Bitwarden export.\n',
    });
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 5001, skipped: 0, failed: 0 });
    const items = async (run: typeof cli) => {
      const res = await run(
        ['export', '--password-stdin'],
        run === cli ? `${password}\n` : 'another passphrase here\n',
      );
      return (JSON.parse(res.stdout) as { items: Record<string, unknown>[] }).items
        .map(({ id: _i, creationDate: _c, revisionDate: _r, ...rest }) => rest)
        .sort((a, b) => String(a.name).localeCompare(String(b.name)));
    };
    expect(await items(other)).toEqual(await items(cli));
  });
});
