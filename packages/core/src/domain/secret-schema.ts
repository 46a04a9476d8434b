import * as z from 'zod';
import { AttributeAction, type EntitySchema } from '../crypto/item-encryptor';

/** Field limits of a secret (characters). */
export const SECRET_LIMITS = {
  name: 256,
  url: 2048,
  username: 512,
  password: 4096,
  notes: 65_536,
  tags: 32,
  tag: 64,
  folder: 256,
} as const;

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });

/** What a client sends to create or replace a secret. `name` is required, the rest optional. */
export const secretInputSchema = z
  .object({
    name: z
      .string({ error: 'is required' })
      .min(1, { message: 'is required' })
      .max(SECRET_LIMITS.name, { message: `must be at most ${SECRET_LIMITS.name} characters` }),
    url: text(SECRET_LIMITS.url).optional(),
    username: text(SECRET_LIMITS.username).optional(),
    password: text(SECRET_LIMITS.password).optional(),
    notes: text(SECRET_LIMITS.notes).optional(),
    tags: z
      .array(text(SECRET_LIMITS.tag).min(1, { message: 'must not be empty' }))
      .max(SECRET_LIMITS.tags, { message: `must have at most ${SECRET_LIMITS.tags} tags` })
      .optional(),
    folder: text(SECRET_LIMITS.folder).optional(),
  })
  .strict();

export type SecretInput = z.infer<typeof secretInputSchema>;

export const secretMetadataSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  url: z.string().optional(),
  username: z.string().optional(),
  tags: z.array(z.string()),
  folder: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const secretSchema = secretMetadataSchema.extend({
  password: z.string().optional(),
  notes: z.string().optional(),
});

export const trashedSecretSchema = secretMetadataSchema.extend({
  deletedAt: z.string(),
  purgeAt: z.string(),
});

/**
 * A secret that is there but cannot be shown: it fails its signature, or it
 * disagrees with the user's signed head (an older copy written back, a purged
 * one put back, one the head names and the table lost). Never any of its data.
 */
export const unreadableSecretSchema = z.object({
  id: z.string(),
  code: z.literal('integrity_error'),
});

/** A kept version that fails its signature or does not fit the secret's history. */
export const unreadableVersionSchema = z.object({
  version: z.number().int(),
  code: z.literal('integrity_error'),
});

export type SecretMetadata = z.infer<typeof secretMetadataSchema>;
export type UnreadableSecret = z.infer<typeof unreadableSecretSchema>;
export type UnreadableVersion = z.infer<typeof unreadableVersionSchema>;
export type Secret = z.infer<typeof secretSchema>;

/** The encrypted attributes of a secret; the rest is SIGN_ONLY or DO_NOTHING. */
export const SECRET_ENCRYPTED = ['name', 'url', 'username', 'password', 'notes', 'tags', 'folder'] as const;
export const SECRET_METADATA = ['name', 'url', 'username', 'tags', 'folder'] as const;

/** Attribute actions of secret items (current, versions and trash share them). */
export const SECRET_ENTITY: EntitySchema = {
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
    updatedAt: AttributeAction.SIGN_ONLY,
    deletedAt: AttributeAction.SIGN_ONLY,
    name: AttributeAction.ENCRYPT_AND_SIGN,
    url: AttributeAction.ENCRYPT_AND_SIGN,
    username: AttributeAction.ENCRYPT_AND_SIGN,
    password: AttributeAction.ENCRYPT_AND_SIGN,
    notes: AttributeAction.ENCRYPT_AND_SIGN,
    tags: AttributeAction.ENCRYPT_AND_SIGN,
    folder: AttributeAction.ENCRYPT_AND_SIGN,
  },
};
