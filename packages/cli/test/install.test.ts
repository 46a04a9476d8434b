import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startTestStack, type TestStack } from '@kmsvault/local/testing';
import { COMMANDS } from '../src/help';
import type { Result } from './run-cli';

const PACKAGE = resolve(__dirname, '..');
const ROOT_VERSION = JSON.parse(readFileSync(resolve(PACKAGE, '../../package.json'), 'utf8'))
  .version as string;

/** Every file under a directory, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('The CLI tarball, installed globally into a temporary prefix, run with only Node on the PATH', () => {
  let test: TestStack;
  let prefix: string;
  let tarball: string;
  let home: string;

  beforeAll(async () => {
    // Arrange: the tarball as the README makes it (pnpm pack runs prepack, the build), installed with npm
    // offline: it has nothing to fetch.
    const packDir = mkdtempSync(join(tmpdir(), 'kmsvault-cli-pack-'));
    execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: PACKAGE, stdio: 'pipe' });
    const [name] = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    tarball = join(packDir, name as string);
    prefix = mkdtempSync(join(tmpdir(), 'kmsvault-cli-prefix-'));
    execFileSync(
      'npm',
      ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
      {
        stdio: 'pipe',
        env: { ...process.env, npm_config_cache: mkdtempSync(join(tmpdir(), 'kmsvault-npm-cache-')) },
      },
    );
    home = mkdtempSync(join(tmpdir(), 'kmsvault-cli-install-home-'));
    test = await startTestStack('cli-install');
  });

  afterAll(() => test?.stop());

  const installed = () => join(prefix, 'lib', 'node_modules', '@kmsvault', 'cli');

  /** `kmsvault ...args` through the installed bin link, its shebang finding node on a PATH of node alone. */
  const kmsvault = (args: string[], stdin = ''): Promise<Result> =>
    new Promise((done) => {
      const child = spawn(join(prefix, 'bin', 'kmsvault'), args, {
        env: { PATH: dirname(process.execPath), HOME: home },
        cwd: home,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => done({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  it('is named @kmsvault/cli at the repository version, with no dependencies to install', () => {
    const manifest = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8'));
    expect(tarball.endsWith(`kmsvault-cli-${ROOT_VERSION}.tgz`)).toBe(true);
    expect(manifest).toMatchObject({
      name: '@kmsvault/cli',
      version: ROOT_VERSION,
      engines: { node: '>=20' },
    });
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.private).toBeUndefined();
  });

  it('holds one bundled JavaScript file with a node shebang and its third-party notice, no TypeScript', () => {
    const files = filesUnder(installed()).sort();
    expect(files).toEqual(['dist/THIRD-PARTY-NOTICES.md', 'dist/kmsvault.js', 'package.json']);
    const bundle = readFileSync(join(installed(), 'dist', 'kmsvault.js'), 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(bundle).not.toMatch(/\btsx\b|\.ts["']/);
    expect(bundle).not.toMatch(/require\(["'](?!node:)/); // every require left is a Node built-in
    expect(bundle).not.toMatch(/\n\s+(const|let|return|if|function|await)\b/); // minified: no indented code
    expect(statSync(join(prefix, 'bin', 'kmsvault')).isFile()).toBe(true);
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'tsx'))).toBe(false);
  });

  it('prints its version, the help, and a help page with examples for every command', async () => {
    expect(await kmsvault(['--version'])).toEqual({ code: 0, stdout: `${ROOT_VERSION}\n`, stderr: '' });
    const help = await kmsvault(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    for (const command of Object.keys(COMMANDS)) {
      expect(help.stdout).toContain(`  ${command}`);
      const page = await kmsvault(['help', command]);
      expect(page).toMatchObject({ code: 0, stderr: '' });
      expect(page.stdout).toMatch(new RegExp(`^usage: kmsvault ${command}`));
      expect(page.stdout).toMatch(/\nexamples:\n {2}kmsvault /);
      expect(await kmsvault([command, '--help'])).toEqual(page);
    }
    expect(await kmsvault(['help', 'frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kmsvault: no command frobnicate; see kmsvault --help\n',
    });
  });

  it('runs every command against the local stack, keeping its session under $HOME', async () => {
    const apiUrl = test.stack.info.apiUrl;
    const username = `cli-install-${process.pid}`;
    const password = 'an installed passphrase';
    const ok = async (args: string[], stdin = '') => {
      const res = await kmsvault(args, stdin);
      expect({ args, ...res }).toMatchObject({ args, code: 0 });
      return res.stdout;
    };

    await ok(['signup', '--username', username, '--password-stdin', '--api-url', apiUrl], `${password}\n`);
    await ok(['login', '--username', username, '--password-stdin', '--api-url', apiUrl], `${password}\n`);
    expect(statSync(join(home, '.config', 'kmsvault', 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await ok(['whoami', '--json']))).toEqual({ username, apiUrl: new URL(apiUrl).origin });
    expect(JSON.parse(await ok(['gen', '--length', '24', '--json'])).password).toHaveLength(24);
    expect((await ok(['gen', '--words', '5', '--separator', ' '])).trim().split(' ')).toHaveLength(5);
    await ok(
      ['add', '--name', 'Bank', '--url', 'https://bank.example', '--username', 'al', '--password-stdin'],
      'pw-1\n',
    );
    await ok(['edit', 'Bank', '--notes-stdin'], 'the branch on Main Street');
    expect(await ok(['get', 'Bank', '--field', 'password'])).toBe('pw-1\n');
    expect(await ok(['get', 'Bank', '--field', 'notes'])).toBe('the branch on Main Street\n');
    expect(JSON.parse(await ok(['history', 'Bank', '--json']))).toHaveLength(2);
    const file = join(home, 'chrome.csv');
    writeFileSync(file, 'name,url,username,password\nMail,https://mail.example,me,pw-2\n');
    await ok(['import', file, '--format', 'chrome-csv']);
    const listed = JSON.parse(await ok(['ls', '--site', 'mail.example', '--json'])) as { name: string }[];
    expect(listed.map((s) => s.name)).toEqual(['Mail']);
    expect(await ok(['export', '--format', 'csv', '--password-stdin'], `${password}\n`)).toMatch(
      /Bank[\s\S]*pw-1|pw-1[\s\S]*Bank/,
    );
    await ok(['rm', 'Bank']);
    const [binned] = JSON.parse(await ok(['trash', '--json'])) as { id: string; name: string }[];
    expect(binned?.name).toBe('Bank');
    await ok(['restore', binned?.id as string]);
    expect((JSON.parse(await ok(['ls', '--json'])) as { name: string }[]).map((s) => s.name).sort()).toEqual([
      'Bank',
      'Mail',
    ]);
    await ok(['logout']);
    expect(existsSync(join(home, '.config', 'kmsvault', 'credentials.json'))).toBe(false);
    expect((await kmsvault(['whoami', '--api-url', apiUrl])).code).toBe(3);
    await ok(['login', '--username', username, '--password-stdin', '--api-url', apiUrl], `${password}\n`);
    expect(await ok(['account', 'delete', '--yes', '--password-stdin'], `${password}\n`)).toMatch(
      new RegExp(`^Deleted the account ${username}: 2 secrets`),
    );
  });
});
