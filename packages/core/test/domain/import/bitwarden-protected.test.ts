import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  openProtectedExport,
  ProtectedExportError,
  protectionOf,
  sealProtectedExport,
} from '../../../src/domain/import/bitwarden-protected';

/**
 * Bitwarden's password-protected export, cross-checked against a second,
 * independent implementation of the documented algorithm (Node's crypto):
 * what one writes, the other reads. Argon2id, which Node lacks, is checked
 * against a known answer computed with @noble/hashes 1.8.0 (and equal to
 * hash-wasm's). No real password-protected file with a published password
 * was found to use instead.
 */

/** Argon2id(password "correct horse", SHA-256 of salt ARGON2_SALT, t=2, m=16 MiB, p=2), 32 bytes, by @noble/hashes 1.8.0. */
const ARGON2_SALT = 'c2FsdHNhbHRzYWx0c2FsdA==';
const ARGON2_KEY = '11d647382b94692e517338ebbf74eb021586cfdca35c448bf2876ba3c1b703f6';
const CLEAR = JSON.stringify({
  encrypted: false,
  folders: [],
  items: [{ type: 1, name: 'Käse', login: { password: 'pw' } }],
});

function nodeKeys(
  password: string,
  salt: string,
  kdf: { type: 0 | 1; iterations: number; memory?: number; parallelism?: number },
) {
  const key =
    kdf.type === 0
      ? pbkdf2Sync(password, salt, kdf.iterations, 32, 'sha256')
      : (() => {
          expect([password, salt, kdf]).toEqual([
            'correct horse',
            ARGON2_SALT,
            { type: 1, iterations: 2, memory: 16, parallelism: 2 },
          ]);
          return Buffer.from(ARGON2_KEY, 'hex');
        })();
  const expand = (info: string) =>
    createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(info), Buffer.from([1])]))
      .digest();
  return { enc: expand('enc'), mac: expand('mac') };
}

function nodeOpen(encString: string, keys: { enc: Buffer; mac: Buffer }): string {
  const [iv, data, mac] = encString
    .slice(2)
    .split('|')
    .map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
  expect(
    createHmac('sha256', keys.mac)
      .update(Buffer.concat([iv, data]))
      .digest()
      .equals(mac),
  ).toBe(true);
  const decipher = createDecipheriv('aes-256-cbc', keys.enc, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}

function nodeSeal(plain: string, keys: { enc: Buffer; mac: Buffer }): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', keys.enc, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const mac = createHmac('sha256', keys.mac)
    .update(Buffer.concat([iv, data]))
    .digest();
  return `2.${iv.toString('base64')}|${data.toString('base64')}|${mac.toString('base64')}`;
}

describe('Bitwarden password-protected exports', () => {
  it('writes what an independent implementation opens (PBKDF2-SHA256), with Bitwarden’s members', async () => {
    const sealed = await sealProtectedExport(CLEAR, 'export pässword', { kdfType: 0, kdfIterations: 10_000 });
    const doc = JSON.parse(sealed);
    expect(Object.keys(doc).sort()).toEqual(
      [
        'data',
        'encKeyValidation_DO_NOT_EDIT',
        'encrypted',
        'kdfIterations',
        'kdfType',
        'passwordProtected',
        'salt',
      ].sort(),
    );
    expect(doc).toMatchObject({
      encrypted: true,
      passwordProtected: true,
      kdfType: 0,
      kdfIterations: 10_000,
    });
    const keys = nodeKeys('export pässword', doc.salt, { type: 0, iterations: 10_000 });
    expect(nodeOpen(doc.data, keys)).toBe(CLEAR);
    expect(nodeOpen(doc.encKeyValidation_DO_NOT_EDIT, keys)).toMatch(/^[0-9a-f-]{36}$/);
    expect(sealed).not.toContain('Käse');
  });

  it.each([
    ['PBKDF2-SHA256', { type: 0 as const, iterations: 20_000 }],
    ['Argon2id', { type: 1 as const, iterations: 2, memory: 16, parallelism: 2 }],
  ])('opens a file an independent implementation wrote (%s)', async (_, kdf) => {
    const salt = kdf.type === 1 ? ARGON2_SALT : randomBytes(16).toString('base64');
    const keys = nodeKeys('correct horse', salt, kdf);
    const file = JSON.stringify({
      encrypted: true,
      passwordProtected: true,
      salt,
      kdfType: kdf.type,
      kdfIterations: kdf.iterations,
      ...(kdf.type === 1 ? { kdfMemory: kdf.memory, kdfParallelism: kdf.parallelism } : {}),
      encKeyValidation_DO_NOT_EDIT: nodeSeal('7b0e2c1a-0000-4000-8000-000000000000', keys),
      data: nodeSeal(CLEAR, keys),
    });
    expect(protectionOf(file)).toBe('password');
    expect(await openProtectedExport(file, 'correct horse')).toBe(CLEAR);
  });

  it.each([
    ['no password', undefined, 'password_needed'],
    ['a wrong password', 'not it', 'wrong_password'],
  ])('refuses %s, naming the problem and quoting nothing', async (_, password, reason) => {
    const sealed = await sealProtectedExport(CLEAR, 'the right one', { kdfType: 0, kdfIterations: 10_000 });
    const err = await openProtectedExport(sealed, password).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtectedExportError);
    expect((err as ProtectedExportError).reason).toBe(reason);
    expect((err as Error).message).not.toContain('Käse');
  });

  it('refuses a file whose data was changed, and KDF settings a crafted file could use to stall the reader', async () => {
    const sealed = JSON.parse(await sealProtectedExport(CLEAR, 'pw', { kdfType: 0, kdfIterations: 10_000 }));
    const [head, data, mac] = (sealed.data as string).split('|') as [string, string, string];
    const flipped = `${head}|${Buffer.from(Buffer.from(data, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64')}|${mac}`;
    await expect(
      openProtectedExport(JSON.stringify({ ...sealed, data: flipped }), 'pw'),
    ).rejects.toMatchObject({
      reason: 'malformed',
    });
    for (const kdf of [
      { kdfType: 0, kdfIterations: 1e9 },
      { kdfType: 1, kdfIterations: 3, kdfMemory: 1e6, kdfParallelism: 4 },
      { kdfType: 7, kdfIterations: 1 },
    ])
      await expect(openProtectedExport(JSON.stringify({ ...sealed, ...kdf }), 'pw')).rejects.toMatchObject({
        reason: 'malformed',
      });
  });

  it('tells an account-encrypted export (only its Bitwarden account can open it) from a password-protected one', async () => {
    const account = JSON.stringify({
      encrypted: true,
      encKeyValidation_DO_NOT_EDIT: '2.a|b|c',
      folders: [],
      items: [],
    });
    expect(protectionOf(account)).toBe('account');
    await expect(openProtectedExport(account, 'pw')).rejects.toMatchObject({ reason: 'account_encrypted' });
    expect(protectionOf(CLEAR)).toBeUndefined();
  });
});
