import * as z from 'zod';

/**
 * The parts of an item as people keep them (issue 17), after Bitwarden's
 * cipher model: a type, the type's own section, and on every type a name,
 * notes, folder, tags, favourite, custom fields and password history.
 *
 * A login's fields stay at the top level (`username`, `password`, `uris`,
 * `totp`), as they were before items had types, so that an item written
 * before this model (no `type`, one `url`) reads as a login with one URI.
 * Card, identity and SSH key fields are one section each (`card`,
 * `identity`, `sshKey`). Every value of every type is ENCRYPT_AND_SIGN; the
 * type is SIGN_ONLY, like id, version and timestamps.
 */

export const ITEM_TYPES = ['login', 'note', 'card', 'identity', 'sshKey'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/**
 * How a login's URI matches a site (Bitwarden's URI match detection):
 * `domain` (the default) matches any host under the same registrable
 * domain (public suffix list), `host` the same host (and port, when given),
 * `startsWith` a URL beginning with it, `exact` the same URL, `regex` a URL
 * the regular expression matches, `never` nothing.
 */
export const URI_MATCHES = ['domain', 'host', 'startsWith', 'exact', 'regex', 'never'] as const;
export type UriMatch = (typeof URI_MATCHES)[number];

/** Custom field kinds: `hidden` values are masked and never searched; `linked` names a login field instead of a value. */
export const FIELD_TYPES = ['text', 'hidden', 'boolean', 'linked'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The login fields a `linked` custom field can stand for. */
export const LINKED_FIELDS = ['username', 'password'] as const;

/** Field limits (characters, or members of a list). */
export const ITEM_LIMITS = {
  uri: 2048,
  uris: 32,
  totp: 2048,
  fieldName: 256,
  fieldValue: 65_536,
  fields: 64,
  passwordHistory: 32,
  cardText: 256,
  identityText: 512,
  sshKey: 16_384,
} as const;

/**
 * What a refinement says in words, said again as JSON Schema: for a schema
 * here, the strict variants whose `anyOf` the OpenAPI document and API
 * Gateway's models show instead of the refined object (openapi.ts). The zod
 * schema stays what checks a request, with its worded errors; the variants
 * only tell clients and fuzzers which combinations are valid.
 */
export const JSON_SCHEMA_VARIANTS = new Map<z.ZodType, readonly z.ZodType[]>();

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters` });
const optionalText = (max: number) => text(max).optional();

export const uriSchema = z
  .object({
    uri: text(ITEM_LIMITS.uri).min(1, { message: 'must not be empty' }),
    /** @default 'domain' */
    match: z.enum(URI_MATCHES).optional(),
  })
  .strict();
export type ItemUri = z.infer<typeof uriSchema>;

export const customFieldSchema = z
  .object({
    name: text(ITEM_LIMITS.fieldName),
    /** For `boolean`, "true" or "false"; absent for `linked`. */
    value: optionalText(ITEM_LIMITS.fieldValue),
    type: z.enum(FIELD_TYPES),
    /** For `linked` only: the login field it stands for. */
    linked: z.enum(LINKED_FIELDS).optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    if (field.type === 'linked' && field.linked === undefined) {
      ctx.addIssue({ code: 'custom', path: ['linked'], message: 'is required for a linked field' });
    }
    if (field.type !== 'linked' && field.linked !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['linked'], message: 'is only for a linked field' });
    }
    if (field.type === 'linked' && field.value !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'a linked field has no value' });
    }
    if (
      field.type === 'boolean' &&
      field.value !== undefined &&
      field.value !== 'true' &&
      field.value !== 'false'
    ) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be "true" or "false"' });
    }
  });
export type CustomField = z.infer<typeof customFieldSchema>;

JSON_SCHEMA_VARIANTS.set(customFieldSchema, [
  z
    .object({
      name: text(ITEM_LIMITS.fieldName),
      value: optionalText(ITEM_LIMITS.fieldValue),
      type: z.enum(['text', 'hidden']),
    })
    .strict(),
  z
    .object({
      name: text(ITEM_LIMITS.fieldName),
      value: z.enum(['true', 'false']).optional(),
      type: z.literal('boolean'),
    })
    .strict(),
  z
    .object({ name: text(ITEM_LIMITS.fieldName), type: z.literal('linked'), linked: z.enum(LINKED_FIELDS) })
    .strict(),
]);

/**
 * One earlier password, with when it stopped being current (Bitwarden's
 * passwordHistory): the login's password, or a hidden field's value as
 * `name: value`. The server appends to it when either changes.
 */
export const passwordHistoryEntrySchema = z
  .object({
    password: text(4096).min(1, { message: 'must not be empty' }),
    lastUsedDate: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }),
  })
  .strict();
export type PasswordHistoryEntry = z.infer<typeof passwordHistoryEntrySchema>;

export const cardSchema = z
  .object({
    cardholderName: optionalText(ITEM_LIMITS.cardText),
    brand: optionalText(ITEM_LIMITS.cardText),
    number: optionalText(64),
    /** "1" to "12". */
    expMonth: z
      .string()
      .regex(/^(?:[1-9]|1[0-2])$/, { message: 'must be a month, 1 to 12' })
      .optional(),
    /** Four digits. */
    expYear: z
      .string()
      .regex(/^\d{4}$/, { message: 'must be a four-digit year' })
      .optional(),
    code: optionalText(16),
  })
  .strict();
export type Card = z.infer<typeof cardSchema>;

/** Bitwarden's identity fields, all optional text. */
export const IDENTITY_FIELDS = [
  'title',
  'firstName',
  'middleName',
  'lastName',
  'address1',
  'address2',
  'address3',
  'city',
  'state',
  'postalCode',
  'country',
  'company',
  'email',
  'phone',
  'ssn',
  'username',
  'passportNumber',
  'licenseNumber',
] as const;

export const identitySchema = z
  .object(
    Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, optionalText(ITEM_LIMITS.identityText)])) as Record<
      (typeof IDENTITY_FIELDS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();
export type Identity = z.infer<typeof identitySchema>;

/** An SSH key as sent: the fingerprint is computed on save (SHA256, as `ssh-keygen -l` prints it), never taken from input. */
export const sshKeyInputSchema = z
  .object({
    privateKey: text(ITEM_LIMITS.sshKey).min(1, { message: 'is required' }),
    publicKey: optionalText(ITEM_LIMITS.sshKey),
  })
  .strict();
export const sshKeySchema = sshKeyInputSchema.extend({ fingerprint: z.string().optional() });
export type SshKeyInput = z.infer<typeof sshKeyInputSchema>;
export type SshKey = z.infer<typeof sshKeySchema>;

/** Which top-level members belong to which type; the rest (name, notes, folder, tags, favorite, fields, passwordHistory) are on every type. */
export const TYPE_MEMBERS: Readonly<Record<ItemType, readonly string[]>> = {
  login: ['username', 'password', 'url', 'uris', 'totp'],
  note: [],
  card: ['card'],
  identity: ['identity'],
  sshKey: ['sshKey'],
};

/** Limits of the members every item had before types (characters). */
const BASE_LIMITS = {
  name: 256,
  username: 512,
  password: 4096,
  notes: 65_536,
  tags: 32,
  tag: 64,
  folder: 256,
} as const;

/**
 * What a client sends to create or replace an item of any type. `type`
 * absent is a login. `url` is the one-URI shorthand of `uris` (with the
 * default match), as clients wrote it before items had several; with `uris`
 * it must be the first of them (as a read gives it back).
 * A type's own members are refused on another type.
 */
const itemShape = {
  type: z.enum(ITEM_TYPES).optional(),
  name: z
    .string({ error: 'is required' })
    .min(1, { message: 'is required' })
    .max(BASE_LIMITS.name, { message: `must be at most ${BASE_LIMITS.name} characters` }),
  notes: optionalText(BASE_LIMITS.notes),
  folder: optionalText(BASE_LIMITS.folder),
  tags: z
    .array(text(BASE_LIMITS.tag).min(1, { message: 'must not be empty' }))
    .max(BASE_LIMITS.tags, { message: `must have at most ${BASE_LIMITS.tags} tags` })
    .optional(),
  favorite: z.boolean().optional(),
  fields: z
    .array(customFieldSchema)
    .max(ITEM_LIMITS.fields, { message: `must have at most ${ITEM_LIMITS.fields} fields` })
    .optional(),
  passwordHistory: z
    .array(passwordHistoryEntrySchema)
    .max(ITEM_LIMITS.passwordHistory, {
      message: `must have at most ${ITEM_LIMITS.passwordHistory} entries`,
    })
    .optional(),
  // login
  username: optionalText(BASE_LIMITS.username),
  password: optionalText(BASE_LIMITS.password),
  url: optionalText(ITEM_LIMITS.uri),
  uris: z
    .array(uriSchema)
    .max(ITEM_LIMITS.uris, { message: `must have at most ${ITEM_LIMITS.uris} URIs` })
    .optional(),
  totp: optionalText(ITEM_LIMITS.totp),
  // the other types
  card: cardSchema.optional(),
  identity: identitySchema.optional(),
  sshKey: sshKeyInputSchema.optional(),
};

export const itemInputSchema = z
  .object(itemShape)
  .strict()
  .superRefine((item, ctx) => {
    const type: ItemType = item.type ?? 'login';
    const own = new Set(TYPE_MEMBERS[type]);
    for (const [other, members] of Object.entries(TYPE_MEMBERS)) {
      if (other === type) continue;
      for (const member of members) {
        if (!own.has(member) && (item as Record<string, unknown>)[member] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [member], message: `is not a member of a ${type} item` });
        }
      }
    }
    // A client that sends back what it read has both: `url` is then the first URI, and says nothing more.
    if (item.url !== undefined && item.uris !== undefined && item.url !== item.uris[0]?.uri) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'is the first of uris: send uris alone' });
    }
    if (type === 'sshKey' && item.sshKey === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sshKey'], message: 'is required for an sshKey item' });
    }
  });
export type ItemInput = z.infer<typeof itemInputSchema>;

/** The members every type has, and each type's own: the variants of the item input's JSON Schema. */
const TYPE_MEMBER_KEYS = new Set(Object.values(TYPE_MEMBERS).flat());
const commonShape = Object.fromEntries(
  Object.entries(itemShape).filter(([k]) => k !== 'type' && !TYPE_MEMBER_KEYS.has(k)),
) as Omit<
  typeof itemShape,
  'type' | 'username' | 'password' | 'url' | 'uris' | 'totp' | 'card' | 'identity' | 'sshKey'
>;
const { username, password, url, uris, totp } = itemShape;
JSON_SCHEMA_VARIANTS.set(itemInputSchema, [
  z.object({ ...commonShape, type: z.literal('login').optional(), username, password, uris, totp }).strict(),
  z.object({ ...commonShape, type: z.literal('login').optional(), username, password, url, totp }).strict(),
  z.object({ ...commonShape, type: z.literal('note') }).strict(),
  z.object({ ...commonShape, type: z.literal('card'), card: itemShape.card }).strict(),
  z.object({ ...commonShape, type: z.literal('identity'), identity: itemShape.identity }).strict(),
  z.object({ ...commonShape, type: z.literal('sshKey'), sshKey: sshKeyInputSchema }).strict(),
]);
