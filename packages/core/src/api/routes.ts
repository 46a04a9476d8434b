import * as z from 'zod';
import { generateRequestSchema, generateResponseSchema } from '../domain/generator';
import { importRequestSchema, importResponseSchema } from '../domain/import-export';
import {
  secretInputSchema,
  secretMetadataSchema,
  secretSchema,
  trashedSecretSchema,
  unreadableSecretSchema,
  unreadableVersionSchema,
} from '../domain/secret-schema';
import { totpCodeSchema } from '../domain/totp';
import {
  changePasswordSchema,
  credentialsSchema,
  deleteAccountSchema,
  jwksSchema,
  loginRequestSchema,
  loginResponseSchema,
  reauthenticateResponseSchema,
  reauthenticateSchema,
  refreshRequestSchema,
  signupResponseSchema,
  tokenResponseSchema,
} from './schemas';
import { API_STAGE } from './stage';
import type { RouteDefinition } from './types';

// The stage lives in its own module, so a client (the CLI) takes it without the route schemas.
export { API_STAGE } from './stage';

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'A unique key per intended write (1–128 characters); a retry with the same key and body returns the first response.',
} as const;

const writeResultSchema = z.object({ id: z.string(), version: z.number().int() });
const listQuerySchema = z.object({
  q: z.string().max(256).optional(),
  site: z.string().max(2048).optional(),
  tag: z.string().max(64).optional(),
  folder: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().max(1024).optional(),
});
export const secretListQuerySchema = listQuerySchema;
export const exportQuerySchema = z.object({ format: z.enum(['json', 'csv']).default('json') });
const unreadable = z
  .array(unreadableSecretSchema)
  .optional()
  .describe(
    'Present only when some secrets cannot be shown: each fails its signature or disagrees with the ' +
      "user's signed head (an older copy or a purged secret written back). Never any of their data.",
  );
const pageSchema = z.object({
  items: z.array(secretMetadataSchema),
  nextCursor: z.string().nullable(),
  unreadable,
});
const versionsSchema = z.object({
  items: z.array(z.object({ version: z.number().int(), updatedAt: z.string() })),
  unreadable: z
    .array(unreadableVersionSchema)
    .optional()
    .describe('Present only when some kept versions fail their signature or do not fit the history.'),
});
const trashSchema = z.object({ items: z.array(trashedSecretSchema), unreadable });
const INTEGRITY =
  'integrity_error: the stored secret fails its signature or is not the version the signed head names (rolled back, or put back after a purge); no data.';

export const healthSchema = z.object({
  status: z.literal('ok'),
  dynamodb: z.literal('ok'),
  kms: z.literal('ok'),
});

/**
 * The route manifest: the single source of truth for the API. The CDK
 * construct builds API Gateway resources, methods and the authorizer from it;
 * the local adapter routes by it; the Lambda routers register from it.
 */
export const ROUTES: readonly RouteDefinition[] = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/v1/health',
    function: 'secrets',
    auth: 'none',
    summary: 'Checks that DynamoDB and KMS answer.',
    responses: {
      200: { description: 'Both dependencies answer.', schema: healthSchema },
      503: { description: 'A dependency does not answer; the body names it.' },
    },
  },
  {
    operationId: 'signup',
    method: 'POST',
    path: '/v1/auth/signup',
    function: 'auth',
    auth: 'none',
    summary: 'Creates an account.',
    body: credentialsSchema,
    responses: {
      201: { description: 'The account exists.', schema: signupResponseSchema },
      409: { description: 'The username is taken.' },
    },
  },
  {
    operationId: 'login',
    method: 'POST',
    path: '/v1/auth/login',
    function: 'auth',
    auth: 'none',
    summary:
      'Exchanges a username and password (and a known-device token, if the client has one) for tokens.',
    body: loginRequestSchema,
    responses: {
      200: {
        description: 'An access token, a refresh token and the known-device token to present next time.',
        schema: loginResponseSchema,
      },
      401: { description: 'Wrong username or password (one answer for both).' },
      429: {
        description: 'Too many failures for this account from this address or device; see Retry-After.',
      },
    },
  },
  {
    operationId: 'refresh',
    method: 'POST',
    path: '/v1/auth/refresh',
    function: 'auth',
    auth: 'none',
    summary: 'Rotates a refresh token.',
    body: refreshRequestSchema,
    responses: {
      200: { description: 'New tokens.', schema: tokenResponseSchema },
      401: { description: 'Not valid.' },
    },
  },
  {
    operationId: 'logout',
    method: 'POST',
    path: '/v1/auth/logout',
    function: 'auth',
    auth: 'none',
    summary:
      'Ends the session of a refresh token; the refresh token is the credential, so this works after the access token expired.',
    body: refreshRequestSchema,
    responses: {
      204: { description: 'The session is over (also when the token was unknown or already ended).' },
      400: { description: 'The refresh token is malformed.' },
    },
  },
  {
    operationId: 'changePassword',
    method: 'POST',
    path: '/v1/account/password',
    function: 'auth',
    auth: 'bearer',
    summary: 'Changes the login password and ends every other session.',
    body: changePasswordSchema,
    responses: {
      204: { description: 'Changed.' },
      403: { description: 'The current password is wrong.' },
      429: { description: 'Too many wrong passwords; see Retry-After.' },
    },
  },
  {
    operationId: 'reauthenticate',
    method: 'POST',
    path: '/v1/auth/reauthenticate',
    function: 'auth',
    auth: 'bearer',
    summary:
      'Gives the login password again: answers an access token of the same session whose auth_time is ' +
      'now, for operations that need a recent password (an export, for 5 minutes).',
    body: reauthenticateSchema,
    responses: {
      200: {
        description: 'A fresh access token; the refresh token is unchanged.',
        schema: reauthenticateResponseSchema,
      },
      403: { description: 'The password is wrong (counts as a failed login).' },
      429: { description: 'Too many wrong passwords; see Retry-After.' },
    },
  },
  {
    operationId: 'deleteAccount',
    method: 'DELETE',
    path: '/v1/account',
    function: 'auth',
    auth: 'bearer',
    summary:
      'Deletes the account for good: every secret, version and trash entry, every session and refresh ' +
      'token, known devices and the wrapped user keys; the username becomes free. Point-in-time-recovery ' +
      'backups of the table keep the deleted items, the wrapped user key included, for up to 35 days.',
    body: deleteAccountSchema,
    responses: {
      204: { description: 'Deleted: every token of the account stops working, its username is free.' },
      403: { description: 'The password is wrong (counts as a failed login).' },
      429: { description: 'Too many wrong passwords; see Retry-After.' },
      503: {
        description:
          'account_deletion_incomplete: the deletion stopped partway (a very large vault, or a ' +
          'dependency failed); the account can no longer log in. Send the same request again, with ' +
          'the same session, to finish it.',
      },
    },
  },
  {
    operationId: 'getJwks',
    method: 'GET',
    path: '/v1/.well-known/jwks.json',
    function: 'auth',
    auth: 'none',
    summary: 'The public keys that verify access tokens: the current one, then previous ones.',
    responses: { 200: { description: 'A JWK set.', schema: jwksSchema } },
  },
  {
    operationId: 'listSecrets',
    method: 'GET',
    path: '/v1/secrets',
    function: 'secrets',
    auth: 'bearer',
    summary:
      'Lists secrets (metadata only), favourites first, then by name; q searches name, URIs, username, notes and custom field values (hidden ones excepted), site finds a host through its beacon, tag and folder match by prefix, case-insensitively.',
    query: listQuerySchema,
    responses: { 200: { description: 'A page of secrets.', schema: pageSchema } },
  },
  {
    operationId: 'createSecret',
    method: 'POST',
    path: '/v1/secrets',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Creates a secret.',
    body: secretInputSchema,
    headers: [IDEMPOTENCY_KEY],
    responses: {
      201: { description: 'Created; ETag is its version.', schema: writeResultSchema },
      409: { description: 'vault_full: the vault holds its maximum of 16,000 secrets, trash included.' },
      422: { description: 'The Idempotency-Key was used with another body.' },
    },
  },
  {
    operationId: 'getSecret',
    method: 'GET',
    path: '/v1/secrets/{id}',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Reads a secret, decrypted; ETag is its version.',
    responses: {
      200: { description: 'The secret.', schema: secretSchema },
      404: { description: 'No such secret.' },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'getSecretTotp',
    method: 'GET',
    path: '/v1/secrets/{id}/totp',
    function: 'secrets',
    auth: 'bearer',
    summary:
      "The current TOTP code of a secret's TOTP secret (RFC 6238; otpauth:// URIs, Steam), computed by the server, with the seconds it has left.",
    responses: {
      200: { description: 'The code.', schema: totpCodeSchema },
      404: { description: 'No such secret.' },
      409: { description: 'totp_absent: the secret has no TOTP secret.' },
      400: { description: 'The stored TOTP secret is not one this vault can compute.' },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'updateSecret',
    method: 'PUT',
    path: '/v1/secrets/{id}',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Replaces a secret with a new version; the previous one is kept.',
    body: secretInputSchema,
    headers: [{ name: 'If-Match', required: true, description: 'The version being replaced, as its ETag.' }],
    responses: {
      200: { description: 'The new version.', schema: writeResultSchema },
      412: { description: 'The secret changed since that version.' },
      428: { description: 'If-Match is missing.' },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'deleteSecret',
    method: 'DELETE',
    path: '/v1/secrets/{id}',
    function: 'secrets',
    auth: 'bearer',
    summary:
      'Moves a secret to the trash; an unreadable one moves as it is (it stays unreadable there until purged).',
    responses: { 204: { description: 'In the trash.' } },
  },
  {
    operationId: 'listVersions',
    method: 'GET',
    path: '/v1/secrets/{id}/versions',
    function: 'secrets',
    auth: 'bearer',
    summary: 'The versions of a secret, newest first, each verified before it is shown.',
    responses: { 200: { description: 'Versions.', schema: versionsSchema }, 500: { description: INTEGRITY } },
  },
  {
    operationId: 'getVersion',
    method: 'GET',
    path: '/v1/secrets/{id}/versions/{version}',
    function: 'secrets',
    auth: 'bearer',
    summary: 'One version of a secret.',
    responses: {
      200: { description: 'That version.', schema: secretSchema },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'restoreVersion',
    method: 'POST',
    path: '/v1/secrets/{id}/versions/{version}/restore',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Makes a new version with the content of an earlier one.',
    responses: {
      200: { description: 'The new version.', schema: writeResultSchema },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'listTrash',
    method: 'GET',
    path: '/v1/trash',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Deleted secrets, until they are purged; purgeAt is the signed purge time.',
    responses: { 200: { description: 'The trash.', schema: trashSchema } },
  },
  {
    operationId: 'restoreTrash',
    method: 'POST',
    path: '/v1/trash/{id}/restore',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Brings a deleted secret back.',
    responses: {
      200: { description: 'Restored.', schema: writeResultSchema },
      500: { description: INTEGRITY },
    },
  },
  {
    operationId: 'purgeTrash',
    method: 'DELETE',
    path: '/v1/trash/{id}',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Deletes a secret in the trash for good, with its versions.',
    responses: { 204: { description: 'Gone.' } },
  },
  {
    operationId: 'generatePassword',
    method: 'POST',
    path: '/v1/generate',
    function: 'secrets',
    auth: 'bearer',
    summary: 'Generates a password (characters) or a passphrase (words).',
    body: generateRequestSchema,
    responses: { 200: { description: 'A password and its entropy.', schema: generateResponseSchema } },
  },
  {
    operationId: 'importSecrets',
    method: 'POST',
    path: '/v1/import',
    function: 'secrets',
    auth: 'bearer',
    summary:
      'Imports an export of Bitwarden (JSON, password-protected JSON, CSV), KeePass (XML), LastPass, Firefox, KeePassXC, 1Password, Safari or Chrome (CSV), the format detected when not given; idempotent per item.',
    body: importRequestSchema,
    headers: [IDEMPOTENCY_KEY],
    responses: { 200: { description: 'What landed and which rows failed.', schema: importResponseSchema } },
  },
  {
    operationId: 'exportSecrets',
    method: 'GET',
    path: '/v1/export',
    function: 'secrets',
    auth: 'bearer',
    summary:
      "Exports the caller's secrets, decrypted (Bitwarden JSON or CSV); needs the login password given in " +
      'the last 5 minutes (re-authentication).',
    query: exportQuerySchema,
    responses: {
      200: {
        description:
          'The export file, of every secret that verifies. Secrets that cannot be shown are named, never ' +
          'exported: in JSON by a top-level `unreadable` array of `{id, code: "integrity_error"}` (only when ' +
          'there are some); in CSV, which has no place for them that would not import as a row, by the ' +
          'headers `Kmsvault-Unreadable-Count` and `Kmsvault-Unreadable` (their ids, comma-separated, the first 100).',
        mediaTypes: ['application/json', 'text/csv'],
      },
      403: {
        description:
          'reauthentication_required: an export needs the login password given in the last 5 minutes ' +
          '(the access token of a login, or of POST /v1/auth/reauthenticate); send it there, then export.',
      },
    },
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'secrets',
    auth: 'none',
    summary: 'This API as an OpenAPI 3.1 document.',
    responses: {
      200: { description: 'The OpenAPI document.', schema: z.object({ openapi: z.string() }).passthrough() },
    },
  },
];

export function routesFor(fn: RouteDefinition['function']): RouteDefinition[] {
  return ROUTES.filter((r) => r.function === fn);
}

/**
 * The resource path of a manifest path under the stage, as API Gateway shows
 * it to a function (`event.path`, `event.resource`): `/v1/secrets/{id}` ->
 * `/secrets/{id}`. Throws when the path is not under `/v1/`.
 */
export function resourcePathOf(path: string): `/${string}` {
  const prefix = `/${API_STAGE}/`;
  if (!path.startsWith(prefix) || path.length === prefix.length) {
    throw new Error(
      `route path ${JSON.stringify(path)} must start with ${prefix} (the stage is the API version)`,
    );
  }
  return path.slice(prefix.length - 1) as `/${string}`;
}
