import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { ItemEncryptor, SECRET_ENTITY } from '@kmsvault/core';
import { nowMs, round } from './stats';

const TABLE = 'kmsvault-vault';

/** A typical secret: the fields a user fills in for a site login. */
function typicalSecret(
  notes = 'Security questions: first pet = Rex; PIN in the drawer; recovery codes in the safe.',
) {
  return {
    pk: 'USER#6f1c1d2e-8e4b-4c62-9e43-2b1f7f2f9d11',
    sk: 'SECRET#0b7c4f1e-3f7a-4c5b-9a51-6b1c3f0e2d44',
    id: '0b7c4f1e-3f7a-4c5b-9a51-6b1c3f0e2d44',
    version: 3,
    createdAt: '2026-11-22T10:00:00.000Z',
    updatedAt: '2026-11-22T11:00:00.000Z',
    name: 'Example Bank',
    url: 'https://www.bank.example/login',
    username: 'alice@example.com',
    password: 'correct-horse-battery-staple-42!',
    notes,
    tags: ['money', 'important'],
    folder: 'Finance',
  };
}

/** Runs `op` repeatedly for `ms` after a warm-up; returns operations per second. */
async function rate(op: () => Promise<unknown> | unknown, ms: number): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  let n = 0;
  const start = nowMs();
  while (nowMs() - start < ms) {
    await op();
    n++;
  }
  return (n * 1000) / (nowMs() - start);
}

export async function benchCrypto(durationMs = 2_000) {
  const userKey = { version: 1, key: randomBytes(32) };
  const encryptor = new ItemEncryptor(TABLE, SECRET_ENTITY);
  const item = typicalSecret();
  const ours = await rate(async () => {
    const stored = encryptor.encrypt(item, userKey);
    await encryptor.decrypt(stored, () => userKey);
  }, durationMs);

  // The AWS Encryption SDK on the same plaintext fields, a raw AES keyring (no KMS call either way).
  const keyring = new RawAesKeyringNode({
    keyName: 'bench',
    keyNamespace: 'kmsvault',
    unencryptedMasterKey: new Uint8Array(randomBytes(32)),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const { pk, sk, id, version, createdAt, updatedAt, ...fields } = item;
  const plaintext = Buffer.from(JSON.stringify(fields));
  const context = { table: TABLE, pk, sk, id, version: String(version), createdAt, updatedAt };
  const esdk = async (suiteId: AlgorithmSuiteIdentifier) =>
    rate(async () => {
      const { result } = await encrypt(keyring, plaintext, { suiteId, encryptionContext: context });
      await decrypt(keyring, result);
    }, durationMs);
  const esdkUnsigned = await esdk(AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY);
  const esdkSigned = await esdk(
    AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
  );

  // Large notes: 64 KB in one attribute, against raw AES-256-GCM on the same bytes.
  const notes = randomBytes(48 * 1024)
    .toString('base64')
    .slice(0, 65_536);
  const large = typicalSecret(notes);
  const bytes = Buffer.byteLength(notes);
  const largeOps = await rate(async () => {
    const stored = encryptor.encrypt(large, userKey);
    await encryptor.decrypt(stored, () => userKey);
  }, durationMs);
  const gcmKey = randomBytes(32);
  const raw = Buffer.from(notes);
  const rawOps = await rate(() => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', gcmKey, iv);
    const body = Buffer.concat([c.update(raw), c.final()]);
    const tag = c.getAuthTag();
    const d = createDecipheriv('aes-256-gcm', gcmKey, iv);
    d.setAuthTag(tag);
    Buffer.concat([d.update(body), d.final()]);
  }, durationMs);
  const mb = (ops: number) => (ops * bytes) / (1024 * 1024);
  return {
    ours_items_per_s: round(ours, 0),
    esdk_items_per_s: round(esdkUnsigned, 0),
    esdk_signed_items_per_s: round(esdkSigned, 0),
    ratio_vs_esdk: round(ours / esdkUnsigned, 2),
    ratio_vs_esdk_signed: round(ours / esdkSigned, 2),
    large_mb_per_s: round(mb(largeOps), 1),
    raw_gcm_mb_per_s: round(mb(rawOps), 1),
    ratio_vs_raw: round(largeOps / rawOps, 2),
  };
}
