import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sealProtectedExport } from '@kmsvault/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type LocalStack, startLocalStack } from '../../src/stack';
import { launchChromium } from './chromium';

const SHOTS = resolve(__dirname, '../../../../test-output/web');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = { id: string; impact: string | null; nodes: { target: string[] }[] };

describe('Web vault in Chromium', () => {
  let stack: LocalStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const axeResults: Record<string, AxeViolation[]> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startLocalStack({
      inMemory: true,
      dataDir: mkdtempSync(join(tmpdir(), 'kmsvault-web-')),
      config: {
        scrypt: { N: 2 ** 12, r: 8, p: 1, keyLength: 32 },
        loginBackoff: { freeAttempts: 2, accountFreeAttempts: 20, baseSeconds: 2, maxSeconds: 60 },
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: stack.info.webUrl as string,
    });
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** Screenshot and axe-core (run in the page) for one screen. */
  async function screen(name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    const result = (await page.evaluate(`${AXE}\n;axe.run(document, { resultTypes: ['violations'] })`)) as {
      violations: AxeViolation[];
    };
    axeResults[name] = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const alertText = async () => (await page.getByRole('alert').textContent()) ?? '';
  const statusText = async () => (await page.getByRole('status').textContent()) ?? '';

  it('walks the whole journey from signup to logout, seeing what a user sees', async () => {
    const username = `web-${process.pid}`;
    const password = 'a garden of forking paths';
    const newPassword = 'the library of babel again';

    // --- sign up: errors first, then success, all by keyboard -------------------
    const response = await page.goto(stack.info.webUrl as string);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { name: 'Log in' }).isVisible()).resolves.toBe(true);
    await screen('01-login');
    await button('I am new here').click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('short');
    await button('Sign up').click();
    expect(await alertText()).toMatch(/at least 8 characters; 15 or more is recommended/);
    await page.getByLabel('Password').fill('password');
    await button('Sign up').click();
    await page.getByText(/most common passwords/).waitFor();
    await screen('02-signup-error');
    await page.getByLabel('Password').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Secrets' }).waitFor();
    expect(await page.getByText('No secrets found.').isVisible()).toBe(true);
    await screen('03-empty-vault');

    // --- add a secret with the generator -----------------------------------------
    await button('Add').click();
    await page.getByLabel('Name', { exact: true }).fill('Example Bank');
    await page.getByLabel('Site address').fill('https://www.bank.example/login');
    await page.getByLabel('Username for the site').fill('alice@bank');
    await button('Generate').click();
    await page.getByText(/bits of entropy/).waitFor();
    const generated = await page.getByLabel('Password for the site').inputValue();
    expect(generated).toHaveLength(20);
    await page.getByLabel('Notes').fill('PIN is in the drawer');
    await page.getByLabel('Tags (comma-separated)').fill('money, important');
    await page.getByLabel('Folder', { exact: true }).fill('Finance');
    await screen('04-editor');
    await button('Save').click();
    await page.getByRole('heading', { name: 'Example Bank' }).waitFor();
    expect(await statusText()).toBe('Saved "Example Bank".');

    // --- reveal and copy ---------------------------------------------------------
    expect(await page.getByTestId('password').textContent()).toBe('••••••••');
    await button('Reveal password').click();
    expect(await page.getByTestId('password').textContent()).toBe(generated);
    await button('Copy password').click();
    await page.getByText(/clipboard is cleared in 30 seconds/).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(generated);
    await screen('05-detail');

    // --- edit, history, restore ----------------------------------------------------
    await button('Edit').click();
    await page.getByLabel('Name', { exact: true }).fill('Example Bank (joint)');
    await button('Save').click();
    await page.getByRole('heading', { name: 'Example Bank (joint)' }).waitFor();
    await button('History').click();
    await page.getByText('Version 1: “Example Bank”').waitFor();
    await screen('06-history');
    await button('Restore').click();
    await page.getByRole('heading', { name: 'Example Bank', exact: true }).waitFor();
    expect(await statusText()).toBe('Restored version 1 as a new version.');

    // --- search ---------------------------------------------------------------------
    await button('Add').click();
    await page.getByLabel('Name', { exact: true }).fill('Code hosting');
    await page.getByLabel('Site address').fill('https://github.com');
    await page.getByLabel('Tags (comma-separated)').fill('dev');
    await button('Save').click();
    await page.getByRole('heading', { name: 'Code hosting' }).waitFor();
    await button('Secrets').click();
    const names = async () => page.locator('.items li button.link').allInnerTexts();
    await button('Code hosting').waitFor();
    expect(await names()).toEqual(['Code hosting', 'Example Bank']);
    const searchBy = async (label: string, value: string, expected: string[]) => {
      for (const field of ['Text', 'Site', 'Tag', 'Folder'])
        await page.getByLabel(field, { exact: true }).fill('');
      await page.getByLabel(label, { exact: true }).fill(value);
      // Wait for the search request the click makes, so the list is read after it.
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/v1/secrets?')),
        button('Search').click(),
      ]);
      const shown = expected.join('|');
      const script = `[...document.querySelectorAll('.items li button.link')].map((b) => b.textContent).join('|') === ${JSON.stringify(shown)}`;
      await page.waitForFunction(script, undefined, { timeout: 15_000 }).catch(() => undefined);
      expect(await names()).toEqual(expected);
    };
    await searchBy('Text', 'BANK', ['Example Bank']);
    await searchBy('Site', 'bank.example', ['Example Bank']);
    await searchBy('Tag', 'dev', ['Code hosting']);
    await searchBy('Folder', 'finance', ['Example Bank']);
    await screen('07-search');
    await searchBy('Text', '', ['Code hosting', 'Example Bank']);

    // --- delete to the trash and restore -------------------------------------------
    await button('Code hosting').click();
    await button('Delete').click();
    expect(await statusText()).toBe('Moved "Code hosting" to the trash.');
    await button('Trash').click();
    await page.getByText(/deleted for good on/).waitFor();
    await screen('08-trash');
    await button('Restore').click();
    await page.getByText('The trash is empty.').waitFor();

    // --- import and export ------------------------------------------------------------
    await button('Import and export').click();
    // The format is detected; the file is Windows-1252 (Latin-1), as older exporters write it.
    expect(await page.getByLabel('Format').inputValue()).toBe('');
    const chromeCsv = {
      name: 'chrome.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'name,url,username,password\nMäil,https://mail.example,me,pw-1\nNews,https://news.example,me,pw-2\n',
        'latin1',
      ),
    };
    await page.getByLabel('File to import').setInputFiles(chromeCsv);
    await button('Import').click();
    await page.getByText('Imported 2 of 2 items; 0 rows failed.').waitFor();
    await page.getByText('The file is not UTF-8: it was read as windows-1252.').waitFor();
    // The same file again lands nothing twice.
    await page.getByLabel('File to import').setInputFiles(chromeCsv);
    await button('Import').click();
    await page
      .getByText('Imported 0 of 2 items; 2 were already in the vault and were skipped; 0 rows failed.')
      .waitFor();
    // Exporting needs the login password again: none, then a wrong one, are refused.
    await button('Export JSON').click();
    await page
      .getByRole('alert')
      .filter({ hasText: /needs your login password again/ })
      .waitFor();
    await page.getByLabel('Login password (exporting needs it again)').fill('not my password');
    await button('Export JSON').click();
    await page
      .getByRole('alert')
      .filter({ hasText: /The password is wrong/ })
      .waitFor();
    await page.getByLabel('Login password (exporting needs it again)').fill(password);
    const download = page.waitForEvent('download');
    await button('Export JSON').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('kmsvault-export.json');
    const exported = JSON.parse(readFileSync((await file.path()) as string, 'utf8')) as {
      items: { name: string }[];
    };
    expect(exported.items.map((i) => i.name).sort()).toEqual([
      'Code hosting',
      'Example Bank',
      'Mäil',
      'News',
    ]);
    await screen('09-import-export');

    // --- a password-protected export (Bitwarden's format), imported back: nothing duplicated ---
    await page.getByLabel('Login password (exporting needs it again)').fill(password);
    await page.getByLabel('File password for an encrypted export').fill('file password 123');
    const encryptedDownload = page.waitForEvent('download');
    await button('Export encrypted JSON').click();
    const encrypted = await encryptedDownload;
    expect(encrypted.suggestedFilename()).toBe('kmsvault-export.encrypted.json');
    const sealed = readFileSync((await encrypted.path()) as string, 'utf8');
    expect(JSON.parse(sealed)).toMatchObject({ encrypted: true, passwordProtected: true, kdfType: 0 });
    expect(sealed).not.toContain('Example Bank');
    const fileInput = page.getByLabel('File to import');
    const filePassword = page.getByLabel('File password (a password-protected Bitwarden export only)');
    await fileInput.setInputFiles({
      name: 'vault.json',
      mimeType: 'application/json',
      buffer: Buffer.from(sealed),
    });
    await filePassword.fill('not the file password');
    await button('Import').click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The password does not open this Bitwarden export.' })
      .waitFor();
    await filePassword.fill('file password 123');
    await button('Import').click();
    await page
      .getByText('Imported 0 of 4 items; 4 were already in the vault and were skipped; 0 rows failed.')
      .waitFor();
    // Argon2id runs as WebAssembly, which the page's CSP must allow: Bitwarden's default Argon2id settings.
    const argon = await sealProtectedExport(
      JSON.stringify({
        encrypted: false,
        items: [{ type: 2, name: 'Argon note', notes: 'n', secureNote: { type: 0 } }],
      }),
      'argon file password',
      { kdfType: 1, kdfIterations: 3, kdfMemory: 64, kdfParallelism: 4 },
    );
    await fileInput.setInputFiles({
      name: 'argon.json',
      mimeType: 'application/json',
      buffer: Buffer.from(argon),
    });
    await filePassword.fill('argon file password');
    await button('Import').click();
    await page.getByText('Imported 1 of 1 items; 0 rows failed.').waitFor();

    // --- items of other types: a card, a login with TOTP and a hidden custom field -----
    await button('Secrets').click();
    await button('Add').click();
    await page.getByLabel('Type').selectOption('card');
    await page.getByLabel('Name', { exact: true }).fill('Travel card');
    await page.getByLabel('Cardholder').fill('Alice Example');
    await page.getByLabel('Number').fill('4111111111111111');
    await page.getByLabel('Expiry month').fill('4');
    await page.getByLabel('Expiry year').fill('2029');
    await page.getByLabel('Security code').fill('123');
    await screen('09b-card-editor');
    await button('Save').click();
    await page.getByRole('heading', { name: 'Travel card' }).waitFor();
    expect(await page.getByTestId('item-type').textContent()).toBe('Card');
    expect(await page.getByTestId('card-number').textContent()).toBe('••••••••');
    await button('Reveal card number').click();
    expect(await page.getByTestId('card-number').textContent()).toBe('4111111111111111');
    expect(await page.getByText('04/2029').isVisible()).toBe(true);
    await screen('09c-card-detail');

    await button('Secrets').click();
    await button('Add').click();
    await page.getByLabel('Name', { exact: true }).fill('Git with 2FA');
    await page.getByLabel('Site address').fill('https://git.example');
    await button('Add a site address').click();
    await page.getByLabel('Site address 2', { exact: true }).fill('javascript:alert(1)');
    await page.getByLabel('TOTP secret (base32 or otpauth:// URI)').fill('JBSWY3DPEHPK3PXP');
    await button('Add a field').click();
    await page.getByLabel('Field 1 name').fill('Recovery PIN');
    await page.locator('#field-type-0').selectOption('hidden');
    await page.getByLabel('Field 1 value').fill('2468');
    await button('Save').click();
    await page.getByRole('heading', { name: 'Git with 2FA' }).waitFor();
    await page.getByTestId('totp-code').waitFor();
    expect(await page.getByTestId('totp-code').textContent()).toMatch(/^\d{6}$/);
    expect(await page.getByTestId('totp-left').textContent()).toMatch(/^\d+ s left$/);
    // Only the http(s) address is a link; the javascript: one is text.
    expect(await page.locator('[data-testid="uris"] a').count()).toBe(1);
    expect(await page.locator('[data-testid="uris"] a').getAttribute('href')).toBe('https://git.example/');
    expect(await page.getByTestId('field-0').textContent()).toBe('••••••••');
    await button('Reveal recovery pin').click();
    expect(await page.getByTestId('field-0').textContent()).toBe('2468');
    await screen('09d-totp-detail');

    // --- change the login password ------------------------------------------------------
    await button('Account').click();
    await page.getByLabel('Current password').fill('wrong current password');
    await page.getByLabel('New password').fill(newPassword);
    await button('Change password').click();
    expect(await alertText()).toBe('The current password is wrong.');
    await page.getByLabel('Current password').fill(password);
    await button('Change password').click();
    await page.getByText('Password changed.', { exact: false }).waitFor();
    await screen('10-account');

    // --- log out, then the login errors a user can meet -----------------------------------
    await button('Log out').click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await button('I am new here').click();
    await page.getByLabel('Username').fill(username.toUpperCase());
    await page.getByLabel('Password').fill('another fine passphrase');
    await button('Sign up').click();
    expect(await alertText()).toBe('That username is taken. Choose another one.');
    await button('I have an account').click();
    await page.getByLabel('Password').fill(password);
    await button('Log in').click();
    await page.getByText('Wrong username or password.').waitFor();
    // This browser presents its known-device token: its own bucket allows two failures, then waits.
    await page.getByLabel('Password').fill('still wrong');
    const second = page.waitForResponse((r) => r.url().endsWith('/v1/auth/login'));
    await button('Log in').click();
    expect((await second).status()).toBe(401);
    await page.getByLabel('Password').fill('wrong once more');
    await button('Log in').click();
    await page.getByText(/Too many attempts. Wait \d+ seconds/).waitFor();
    await screen('11-login-backoff');
    await sleep(2_100);
    await page.getByLabel('Password').fill(newPassword);
    await button('Log in').click();
    await page.getByRole('heading', { name: 'Secrets' }).waitFor();

    // --- a 375 px phone ---------------------------------------------------------------
    await page.setViewportSize({ width: 375, height: 740 });
    await button('Example Bank').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await screen('12-phone-list');
    await button('Example Bank').click();
    await page.getByRole('heading', { name: 'Example Bank' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await screen('13-phone-detail');
    await button('Log out').click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await screen('14-phone-login');
  });

  it('has no serious or critical accessibility violations on any screen (axe-core)', () => {
    expect(Object.keys(axeResults).length).toBeGreaterThanOrEqual(14);
    const found = Object.entries(axeResults).flatMap(([screenName, violations]) =>
      violations.map(
        (v) => `${screenName}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('logs no errors in the browser console, Content-Security-Policy violations included', () => {
    expect(consoleErrors.filter((e) => !/401|429|403|409|400/.test(e))).toEqual([]);
  });
});
