import * as z from 'zod';

/** Request and response bodies of the API, shared by handlers, the construct and the OpenAPI document. */
export const credentialsSchema = z
  .object({
    username: z.string().max(256),
    password: z.string().max(4096),
  })
  .strict();

export const signupResponseSchema = z.object({ userId: z.string().uuid() });

export const tokenResponseSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

export const refreshRequestSchema = z.object({ refreshToken: z.string().max(512) }).strict();

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().max(4096),
    newPassword: z.string().max(4096),
  })
  .strict();

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
