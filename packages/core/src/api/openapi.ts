import type * as z from 'zod';
import { jsonSchemaOf } from './json-schema';
import { ROUTES } from './routes';
import type { RouteDefinition } from './types';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine-readable error code.' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};

const STANDARD_ERRORS: Record<number, string> = {
  400: 'The request is not valid; `errors` names each bad field.',
  401: 'A valid bearer token is required.',
  404: 'Not found (also for ids of other users).',
  413: 'The body is too large.',
  415: 'The body must be application/json.',
  429: 'Too many requests; see Retry-After.',
  431: 'The request line and headers together are too large.',
  500: 'Internal error.',
  503: 'A dependency is unavailable; see Retry-After.',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return jsonSchemaOf(schema, io);
}

/**
 * Links from a create (a POST to a collection answering 201 with the new
 * item's `id`) to every operation on that item, `/collection/{id}...`: the
 * `id` and, where the path has one, the `version` from the answer, and the
 * If-Match an update needs from its ETag. Clients and fuzzers follow them.
 */
function itemLinks(
  route: RouteDefinition,
  schema: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  if (route.method !== 'POST' || properties.id === undefined) return undefined;
  const item = `${route.path}/{id}`;
  // Not the TOTP code: only an item with a TOTP secret has one (404 totp_absent otherwise).
  const targets = ROUTES.filter(
    (r) => (r.path === item || r.path.startsWith(`${item}/`)) && !r.path.endsWith('/totp'),
  );
  if (targets.length === 0) return undefined;
  return Object.fromEntries(
    targets.map((target) => {
      const parameters: Record<string, string> = { id: '$response.body#/id' };
      if (target.path.includes('{version}') && properties.version !== undefined) {
        parameters.version = '$response.body#/version';
      }
      if (target.headers?.some((h) => h.name === 'If-Match'))
        parameters['header.If-Match'] = '$response.header.ETag';
      return [target.operationId, { operationId: target.operationId, parameters }];
    }),
  );
}

function operation(route: RouteDefinition): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  for (const match of route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (route.query) {
    for (const [name, field] of Object.entries(route.query.shape)) {
      parameters.push({
        name,
        in: 'query',
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(field as z.ZodType, 'input'),
      });
    }
  }
  for (const header of route.headers ?? []) {
    parameters.push({
      name: header.name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: { type: 'string', minLength: 1, maxLength: 128 },
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses ?? {})) {
    const code = Number(status);
    if (code >= 400) {
      responses[status] = {
        $ref: `#/components/responses/Problem${status}`,
        description: response.description,
      };
      continue;
    }
    const schema = response.schema ? jsonSchema(response.schema, 'output') : {};
    const mediaTypes = response.mediaTypes ?? (response.schema ? ['application/json'] : []);
    const links = code === 201 ? itemLinks(route, schema) : undefined;
    responses[status] = {
      description: response.description,
      ...(mediaTypes.length > 0
        ? { content: Object.fromEntries(mediaTypes.map((m) => [m, { schema }])) }
        : {}),
      ...(links ? { links } : {}),
    };
  }
  const errorCodes = [
    400,
    431,
    500,
    503,
    ...(route.auth === 'bearer' ? [401, 404] : []),
    ...(route.body ? [413, 415] : []),
  ];
  for (const code of errorCodes)
    responses[String(code)] ??= { $ref: `#/components/responses/Problem${code}` };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.auth === 'bearer' ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The one server every client uses: the root of the host that serves this
 * document. Every path is `/v1/...` at that root, whichever host it is: the
 * CloudFront URL, the custom domain (base path `v1`) or the execute-api host
 * (whose stage is `v1`).
 */
const ROOT_SERVER = {
  url: '/',
  description:
    'The root of the host this document is served from (CloudFront, the custom domain or the execute-api host); every path starts with /v1, the API version and stage.',
};

/** The OpenAPI 3.1 document of the whole API, built from the route manifest and its zod schemas. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  const problemCodes = new Set<number>(Object.keys(STANDARD_ERRORS).map(Number));
  for (const route of ROUTES)
    for (const s of Object.keys(route.responses ?? {})) if (Number(s) >= 400) problemCodes.add(Number(s));
  const responses: Record<string, unknown> = {};
  for (const code of [...problemCodes].sort()) {
    const description = STANDARD_ERRORS[code] ?? 'See the problem detail.';
    responses[`Problem${code}`] = {
      description,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kmsvault API',
      version: '1.0.0',
      description:
        'A credential vault whose every sensitive attribute is encrypted under per-user keys that only AWS KMS can unwrap.',
    },
    servers: [ROOT_SERVER],
    paths,
    components: {
      schemas: { Problem: problemSchema },
      responses,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
