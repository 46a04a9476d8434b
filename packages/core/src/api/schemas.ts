import * as z from 'zod';

/** Request and response bodies of the API, shared by handlers, the construct and the OpenAPI document. */
export const credentialsSchema = z
  .object({
    username: z.string().max(256),
    password: z.string().max(4096),
  })
  .strict();

/** Login: the credentials, and the known-device token a client got at its last login, if any. */
export const loginRequestSchema = z
  .object({
    username: z.string().max(256),
    password: z.string().max(4096),
    deviceToken: z.string().max(64).optional(),
  })
  .strict();

export const signupResponseSchema = z.object({ userId: z.string().uuid() });

export const tokenResponseSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

export const loginResponseSchema = tokenResponseSchema.extend({
  /** Keep it (it is not a session credential) and send it at the next login: it exempts this client from per-address limits. */
  deviceToken: z.string(),
});

export const refreshRequestSchema = z.object({ refreshToken: z.string().max(512) }).strict();

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().max(4096),
    newPassword: z.string().max(4096),
  })
  .strict();

/** Account deletion: the current login password. */
export const deleteAccountSchema = z.object({ password: z.string().max(4096) }).strict();

/** The login password again, for an operation that needs a recent one (an export). */
export const reauthenticateSchema = z.object({ password: z.string().max(4096) }).strict();

/** An access token of the same session whose `auth_time` is now; the refresh token is unchanged. */
export const reauthenticateResponseSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.literal('EC'),
      crv: z.literal('P-256'),
      x: z.string(),
      y: z.string(),
      kid: z.string(),
      alg: z.literal('ES256'),
      use: z.literal('sig'),
    }),
  ),
});
