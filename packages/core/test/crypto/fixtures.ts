import { randomBytes } from 'node:crypto';
import { AttributeAction, type EntitySchema, type UserKey } from '../../src/crypto';

export const TABLE = 'kmsvault-vault';

/** A secret-like entity with every action. */
export const secretSchema: EntitySchema = {
  name: 'secret',
  partitionKey: 'pk',
  sortKey: 'sk',
  versionAttribute: 'version',
  attributes: {
    pk: AttributeAction.DO_NOTHING,
    sk: AttributeAction.DO_NOTHING,
    beacon: AttributeAction.DO_NOTHING,
    expiresAt: AttributeAction.DO_NOTHING,
    id: AttributeAction.SIGN_ONLY,
    version: AttributeAction.SIGN_ONLY,
    createdAt: AttributeAction.SIGN_ONLY,
    name: AttributeAction.ENCRYPT_AND_SIGN,
    url: AttributeAction.ENCRYPT_AND_SIGN,
    password: AttributeAction.ENCRYPT_AND_SIGN,
    notes: AttributeAction.ENCRYPT_AND_SIGN,
    tags: AttributeAction.ENCRYPT_AND_SIGN,
    extra: AttributeAction.ENCRYPT_AND_SIGN,
  },
};

export function userKey(version = 1): UserKey {
  return { version, key: randomBytes(32) };
}

export function secretItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: 'USER#alice',
    sk: 'SECRET#01',
    beacon: 'site#1a2b',
    id: '01',
    version: 3,
    createdAt: '2026-11-22T10:00:00.000Z',
    name: 'Bank',
    url: 'https://bank.example',
    password: 'correct horse battery staple',
    notes: 'PIN is in the safe',
    tags: new Set(['money', 'important']),
    ...overrides,
  };
}
