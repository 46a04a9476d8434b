import { z } from 'zod';
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
];

export function routesFor(fn: RouteDefinition['function']): RouteDefinition[] {
  return ROUTES.filter((r) => r.function === fn);
}
