import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ItemEncryptor } from '../../src/crypto';
import { ValidationError } from '../../src/domain/errors';
import { itemInputSchema } from '../../src/domain/item-model';
import { withPasswordHistory } from '../../src/domain/password-history';
import { clean, contentOf, metadataOf, secretOf } from '../../src/domain/secret-records';
import { SECRET_ENTITY } from '../../src/domain/secret-schema';
import { sshFingerprint } from '../../src/domain/ssh-fingerprint';
import { TABLE, userKey } from '../crypto/fixtures';

const stamps = { id: '0f0e0d0c-0b0a-4908-8706-050403020100', version: 1, createdAt: 'c', updatedAt: 'u' };

/** A key pair made by ssh-keygen, with the fingerprint ssh-keygen prints for it. */
function sshKeygen(passphrase = ''): { privateKey: string; publicKey: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kmsvault-ssh-'));
  const file = join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(
    ' ',
  )[1] as string;
  return {
    privateKey: readFileSync(file, 'utf8'),
    publicKey: readFileSync(`${file}.pub`, 'utf8'),
    fingerprint,
  };
}

describe('items of every type, as stored and as read', () => {
  it('reads an item written before items had types (no type, one url) as a login with one URI', async () => {
    // GIVEN a record sealed the way the code before issue 17 wrote one: no type, a url attribute
    const encryptor = new ItemEncryptor(TABLE, SECRET_ENTITY);
    const key = userKey();
    const legacy = {
      ...stamps,
      name: 'Bank',
      url: 'https://bank.example',
      username: 'al',
      password: 'pw',
      tags: [],
    };
    const sealed = encryptor.encrypt({ pk: 'USER#u', sk: `SECRET#${stamps.id}`, ...legacy }, key);

    // WHEN it is opened and shown
    const { pk: _p, sk: _s, ...opened } = await encryptor.decrypt(sealed, () => key);

    // THEN it is a login whose one URI is the url, and listing shows that url
    expect(secretOf(opened)).toEqual({
      ...stamps,
      type: 'login',
      name: 'Bank',
      url: 'https://bank.example',
      uris: [{ uri: 'https://bank.example', match: 'domain' }],
      username: 'al',
      password: 'pw',
      tags: [],
      favorite: false,
    });
    expect(metadataOf(opened).url).toBe('https://bank.example');
    expect(contentOf(opened)).toEqual({
      type: 'login',
      name: 'Bank',
      uris: [{ uri: 'https://bank.example' }],
      username: 'al',
      password: 'pw',
    });
  });

  it('stores every member of every type encrypted and signed, the type signed only', async () => {
    const encryptor = new ItemEncryptor(TABLE, SECRET_ENTITY);
    const key = userKey();
    const card = clean(
      itemInputSchema.parse({
        type: 'card',
        name: 'Visa',
        favorite: true,
        card: {
          cardholderName: 'Al',
          number: '4111111111111111',
          expMonth: '4',
          expYear: '2029',
          code: '123',
        },
        fields: [{ name: 'PIN', value: '1234', type: 'hidden' }],
      }),
    );
    const sealed = encryptor.encrypt({ pk: 'USER#u', sk: 'SECRET#x', ...stamps, ...card }, key);
    expect(sealed.type).toBe('card');
    const stored = JSON.stringify(sealed, (_k, v) =>
      Buffer.isBuffer(v) || v instanceof Uint8Array ? '<bytes>' : v,
    );
    for (const value of ['4111111111111111', 'Visa', '1234', 'PIN', 'Al', '2029'])
      expect(stored).not.toContain(value);
    const { pk: _p, sk: _s, ...opened } = await encryptor.decrypt(sealed, () => key);
    expect(secretOf(opened)).toMatchObject({
      type: 'card',
      favorite: true,
      card: card.card,
      fields: card.fields,
    });
  });

  it('folds url into uris, keeps match rules but the default, and drops empty members', () => {
    expect(
      clean(itemInputSchema.parse({ name: 'A', url: 'https://a.example', notes: '', tags: [] })),
    ).toEqual({
      type: 'login',
      name: 'A',
      uris: [{ uri: 'https://a.example' }],
    });
    expect(
      clean(
        itemInputSchema.parse({
          name: 'G',
          url: 'https://accounts.google.com',
          uris: [
            { uri: 'https://accounts.google.com', match: 'domain' },
            { uri: 'https://mail.google.com', match: 'host' },
          ],
          identity: undefined,
          favorite: false,
        }),
      ),
    ).toEqual({
      type: 'login',
      name: 'G',
      uris: [{ uri: 'https://accounts.google.com' }, { uri: 'https://mail.google.com', match: 'host' }],
    });
    expect(
      itemInputSchema.safeParse({
        name: 'G',
        url: 'https://other.example',
        uris: [{ uri: 'https://a.example' }],
      }).success,
    ).toBe(false);
  });
});

describe('password history', () => {
  const now = '2026-11-24T00:00:00.000Z';

  it('keeps the old password and a changed hidden field, newest first, bounded', () => {
    const previous = {
      password: 'old',
      fields: [
        { name: 'PIN', value: '1111', type: 'hidden' },
        { name: 'note', value: 'shown', type: 'text' },
      ],
      passwordHistory: [{ password: 'older', lastUsedDate: '2025-01-01T00:00:00.000Z' }],
    };
    const next = {
      password: 'new',
      fields: [
        { name: 'PIN', value: '2222', type: 'hidden' },
        { name: 'note', value: 'changed', type: 'text' },
      ],
    };
    expect(withPasswordHistory(previous, next, now)).toEqual([
      { password: 'old', lastUsedDate: now },
      { password: 'PIN: 1111', lastUsedDate: now },
      { password: 'older', lastUsedDate: '2025-01-01T00:00:00.000Z' },
    ]);
    const long = Array.from({ length: 40 }, (_, i) => ({ password: `p${i}`, lastUsedDate: now }));
    expect(
      withPasswordHistory({ password: 'a', passwordHistory: long }, { password: 'b' }, now),
    ).toHaveLength(32);
  });

  it('adds nothing when neither the password nor a hidden field changed', () => {
    expect(
      withPasswordHistory({ password: 'same' }, { password: 'same', name: 'renamed' }, now),
    ).toBeUndefined();
  });
});

describe('SSH key fingerprints', () => {
  it('is what ssh-keygen -l prints, from the public key or from an unencrypted private key alone', () => {
    const key = sshKeygen();
    expect(sshFingerprint({ privateKey: key.privateKey, publicKey: key.publicKey })).toBe(key.fingerprint);
    expect(sshFingerprint({ privateKey: key.privateKey })).toBe(key.fingerprint);
    expect(
      clean(itemInputSchema.parse({ type: 'sshKey', name: 'k', sshKey: { privateKey: key.privateKey } }))
        .sshKey,
    ).toEqual({
      privateKey: key.privateKey,
      fingerprint: key.fingerprint,
    });
  });

  it('asks for the public key of a passphrase-protected private key, and refuses what is no key, naming the field only', () => {
    const key = sshKeygen('a passphrase');
    expect(sshFingerprint({ privateKey: key.privateKey, publicKey: key.publicKey })).toBe(key.fingerprint);
    expect(() => sshFingerprint({ privateKey: key.privateKey })).toThrow(/protected by a passphrase/);
    const garbage = 'NOT-A-KEY-SECRET-VALUE';
    const error = (() => {
      try {
        sshFingerprint({ privateKey: garbage });
        return undefined;
      } catch (err) {
        return err as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.errors).toEqual([{ path: 'sshKey.privateKey', message: expect.any(String) }]);
    expect(JSON.stringify(error?.errors) + error?.message).not.toContain(garbage);
  });
});
