import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CliError } from '../src/errors';
import { secretFields } from '../src/fields';
import { edited } from '../src/secrets';
import { fieldOf, render } from '../src/show';

/** A stdin that is not a terminal, holding `text`. */
function pipe(text = ''): PassThrough {
  const s = new PassThrough();
  s.end(text);
  return s;
}

/** A terminal that types `lines`, one per prompt. */
function terminal(lines: string[]): PassThrough & { isTTY: boolean; setRawMode: () => void } {
  const s = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  let next = 0;
  s.on('resume', () => {
    const line = lines[next++];
    if (line !== undefined) setImmediate(() => s.write(`${line}\r`));
  });
  return s;
}

const sink = () => new PassThrough();

describe('add and edit flags for every item type', () => {
  it('makes a login with several URIs, one match rule for them, and a favourite', async () => {
    const body = await secretFields(
      'add',
      {
        name: 'Google',
        url: ['https://accounts.google.com', 'https://mail.google.com'],
        match: 'host',
        favorite: true,
      },
      pipe(),
      sink(),
    );
    expect(body).toEqual({
      name: 'Google',
      uris: [
        { uri: 'https://accounts.google.com', match: 'host' },
        { uri: 'https://mail.google.com', match: 'host' },
      ],
      favorite: true,
    });
  });

  it('reads the TOTP secret from stdin, never from argv', async () => {
    const body = await secretFields(
      'edit',
      { 'totp-stdin': true },
      pipe('otpauth://totp/x?secret=JBSWY3DP\n'),
      sink(),
    );
    expect(body).toEqual({ totp: 'otpauth://totp/x?secret=JBSWY3DP' });
  });

  it('makes a card from flags, with its number and code asked for on the terminal', async () => {
    const stderr = sink();
    let shown = '';
    stderr.on('data', (c: Buffer) => {
      shown += c.toString();
    });
    const body = await secretFields(
      'add',
      {
        type: 'card',
        name: 'Visa',
        cardholder: 'Al Smith',
        brand: 'Visa',
        expiry: '04/2029',
        'ask-card': true,
      },
      terminal(['4111 1111 1111 1111', '123']),
      stderr,
    );
    expect(body).toEqual({
      type: 'card',
      name: 'Visa',
      card: {
        cardholderName: 'Al Smith',
        brand: 'Visa',
        expMonth: '4',
        expYear: '2029',
        number: '4111111111111111',
        code: '123',
      },
    });
    expect(shown).not.toContain('4111');
    expect(shown).not.toContain('123');
  });

  it('reads an SSH key from its files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmsvault-key-'));
    writeFileSync(
      join(dir, 'id'),
      '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
    );
    writeFileSync(join(dir, 'id.pub'), 'ssh-ed25519 AAAAC3 al@host\n');
    const body = await secretFields(
      'add',
      {
        type: 'ssh-key',
        name: 'deploy',
        'private-key-file': join(dir, 'id'),
        'public-key-file': join(dir, 'id.pub'),
      },
      pipe(),
      sink(),
    );
    expect(body).toEqual({
      type: 'sshKey',
      name: 'deploy',
      sshKey: {
        privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
        publicKey: 'ssh-ed25519 AAAAC3 al@host',
      },
    });
  });

  it.each([
    [{ type: 'password' }, /--type must be login, note, card, identity or ssh-key/],
    [{ url: ['https://a.example'], match: 'fuzzy' }, /--match must be one of domain, host/],
    [{ match: 'host' }, /--match applies to the --url given with it/],
    [{ expiry: '13/2029' }, /--expiry must be MM\/YYYY/],
    [{ favorite: true, 'not-favorite': true }, /contradict/],
    [{ 'ask-card': true }, /no terminal to ask for the card on/],
    [{ 'private-key-file': '/nonexistent/id' }, /cannot read the private key file \/nonexistent\/id: ENOENT/],
    [{ 'totp-stdin': true, 'password-stdin': true }, /stdin can serve one flag only/],
  ])('refuses %j with a usage error', async (flags, message) => {
    const failure = secretFields('add', { name: 'x', ...flags }, pipe('x'), sink());
    await expect(failure).rejects.toThrow(CliError);
    await expect(failure).rejects.toThrow(message);
  });
});

describe('edit', () => {
  it('sends the item without what the server sets, merging section members and replacing URIs', () => {
    const current = {
      id: 'i',
      version: 3,
      createdAt: 'c',
      updatedAt: 'u',
      type: 'card',
      name: 'Visa',
      url: 'https://first.example',
      card: { cardholderName: 'Al', number: '4111', expMonth: '4', expYear: '2029' },
    };
    expect(edited(current, { card: { expMonth: '5', expYear: '2031' } })).toEqual({
      type: 'card',
      name: 'Visa',
      uris: [{ uri: 'https://first.example' }],
      card: { cardholderName: 'Al', number: '4111', expMonth: '5', expYear: '2031' },
    });
    const key = { id: 'k', version: 1, createdAt: 'c', updatedAt: 'u', type: 'sshKey', name: 'deploy' };
    const withKey = { ...key, sshKey: { privateKey: 'p', publicKey: 'q', fingerprint: 'SHA256:x' } };
    expect(edited(withKey, { name: 'deploy2' })).toEqual({
      type: 'sshKey',
      name: 'deploy2',
      sshKey: { privateKey: 'p', publicKey: 'q' },
    });
    const login = {
      id: 'l',
      version: 2,
      createdAt: 'c',
      updatedAt: 'u',
      name: 'G',
      uris: [{ uri: 'https://a' }],
      url: 'https://a',
    };
    expect(edited(login, { uris: [{ uri: 'https://b' }] })).toEqual({
      name: 'G',
      uris: [{ uri: 'https://b' }],
    });
  });
});

describe('get', () => {
  const card = {
    id: 'c1',
    version: 1,
    type: 'card',
    name: 'Visa',
    favorite: true,
    card: { cardholderName: 'Al Smith', number: '4111111111111111', expMonth: '4', expYear: '2029' },
    fields: [
      { name: 'PIN', value: '1234', type: 'hidden' },
      { name: 'user', type: 'linked', linked: 'username' },
    ],
    tags: ['money'],
  };

  it('shows a card with its members, custom fields and favourite mark', () => {
    const text = render(card);
    expect(text.split('\n')).toEqual([
      'Visa (card, c1, version 1)  ★',
      'cardholder: Al Smith',
      'number:   4111111111111111',
      'expires:  04/2029',
      'PIN:      1234',
      'user:     → username',
      'tags:     money',
    ]);
  });

  it('shows every URI of a login with its match rule when it is not the default', () => {
    const login = {
      id: 'l1',
      version: 2,
      name: 'Google',
      uris: [{ uri: 'https://accounts.google.com' }, { uri: 'https://mail.google.com', match: 'host' }],
      username: 'al',
      totp: 'JBSWY3DP',
      tags: [],
    };
    expect(render(login).split('\n')).toEqual([
      'Google (login, l1, version 2)',
      'url:      https://accounts.google.com',
      '          https://mail.google.com  (host)',
      'username: al',
      'totp:     set (kmsvault totp shows the code)',
    ]);
    expect(fieldOf(login, 'url')).toBe('https://accounts.google.com');
    expect(fieldOf(login, 'uris')).toBe('https://accounts.google.com\nhttps://mail.google.com');
  });

  it('gives one field by name or section.member, and says which fields exist', () => {
    expect(fieldOf(card, 'card.number')).toBe('4111111111111111');
    expect(() => fieldOf(card, 'card.code')).toThrow('the secret has no card.code');
    expect(() => fieldOf(card, 'pin')).toThrow(/--field must be one of/);
    expect(fieldOf({ id: 'x', version: 1, name: 'old', url: 'https://legacy.example' }, 'url')).toBe(
      'https://legacy.example',
    );
  });
});
