import { randomBytes } from 'node:crypto';
import { AttributeAction, type EntitySchema, type UserKey } from '../../src/crypto';
import { SECRET_ENTITY } from '../../src/domain/secret-schema';

export const TABLE = 'kmsvault-vault';

/** The secret entity with one more encrypted attribute for values of every type. */
export const secretSchema: EntitySchema = {
  ...SECRET_ENTITY,
  attributes: { ...SECRET_ENTITY.attributes, extra: AttributeAction.ENCRYPT_AND_SIGN },
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
