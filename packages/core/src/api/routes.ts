import { z } from 'zod';
import {
  changePasswordSchema,
  credentialsSchema,
  jwksSchema,
  refreshRequestSchema,
  signupResponseSchema,
  tokenResponseSchema,
} from './schemas';
import type { RouteDefinition } from './types';

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
    summary: 'Exchanges a username and password for tokens.',
    body: credentialsSchema,
    responses: {
      200: { description: 'An access token and a refresh token.', schema: tokenResponseSchema },
      401: { description: 'Wrong username or password (one answer for both).' },
      429: { description: 'Too many failures from this client; see Retry-After.' },
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
    auth: 'bearer',
    summary: 'Ends the session of a refresh token.',
    body: refreshRequestSchema,
    responses: { 204: { description: 'The session is over.' } },
  },
  {
    operationId: 'changePassword',
    method: 'POST',
    path: '/v1/account/password',
    function: 'auth',
    auth: 'bearer',
    summary: 'Changes the login password and ends every other session.',
    body: changePasswordSchema,
    responses: { 204: { description: 'Changed.' }, 403: { description: 'The current password is wrong.' } },
  },
  {
    operationId: 'getJwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    function: 'auth',
    auth: 'none',
    summary: 'The public keys that verify access tokens: the current one, then previous ones.',
    responses: { 200: { description: 'A JWK set.', schema: jwksSchema } },
  },
];

export function routesFor(fn: RouteDefinition['function']): RouteDefinition[] {
  return ROUTES.filter((r) => r.function === fn);
}
