import * as z from 'zod';
import { AttributeAction, type EntitySchema } from '../crypto/item-encryptor';
import {
  cardSchema,
  customFieldSchema,
  ITEM_TYPES,
  type ItemInput,
  identitySchema,
  itemInputSchema,
  passwordHistoryEntrySchema,
  sshKeySchema,
  URI_MATCHES,
} from './item-model';

/** What a client sends to create or replace a secret: an item of any type (item-model.ts). */
export const secretInputSchema = itemInputSchema;

export type SecretInput = ItemInput;

/** What lists show of a secret: no secret value; `url` is the first of a login's URIs. */
export const secretMetadataSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  type: z.enum(ITEM_TYPES),
  name: z.string(),
  url: z.string().optional(),
  username: z.string().optional(),
  tags: z.array(z.string()),
  folder: z.string().optional(),
  favorite: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A secret as GET returns it: every member of its type, URIs with their match rule, the SSH key's fingerprint. */
export const secretSchema = secretMetadataSchema.extend({
  password: z.string().optional(),
  notes: z.string().optional(),
  uris: z.array(z.object({ uri: z.string(), match: z.enum(URI_MATCHES) })).optional(),
  totp: z.string().optional(),
  fields: z.array(customFieldSchema).optional(),
  passwordHistory: z.array(passwordHistoryEntrySchema).optional(),
  card: cardSchema.optional(),
  identity: identitySchema.optional(),
  sshKey: sshKeySchema.optional(),
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

/**
 * The encrypted attributes of a secret; the rest is SIGN_ONLY or DO_NOTHING.
 * `url` is what items written before types hold (their one URI); new ones write `uris`.
 */
export const SECRET_ENCRYPTED = [
  'name',
  'url',
  'uris',
  'username',
  'password',
  'totp',
  'notes',
  'tags',
  'folder',
  'favorite',
  'fields',
  'passwordHistory',
  'card',
  'identity',
  'sshKey',
] as const;
/** The encrypted attributes lists decrypt. */
export const SECRET_METADATA = ['name', 'url', 'uris', 'username', 'tags', 'folder', 'favorite'] as const;

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
    beacons: AttributeAction.DO_NOTHING,
    contentId: AttributeAction.DO_NOTHING,
    expiresAt: AttributeAction.DO_NOTHING,
    id: AttributeAction.SIGN_ONLY,
    version: AttributeAction.SIGN_ONLY,
    createdAt: AttributeAction.SIGN_ONLY,
    updatedAt: AttributeAction.SIGN_ONLY,
    deletedAt: AttributeAction.SIGN_ONLY,
    type: AttributeAction.SIGN_ONLY,
    ...Object.fromEntries(SECRET_ENCRYPTED.map((a) => [a, AttributeAction.ENCRYPT_AND_SIGN])),
  },
};
