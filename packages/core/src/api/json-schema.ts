import * as z from 'zod';
import { JSON_SCHEMA_VARIANTS } from '../domain/item-model';

/**
 * A zod schema as JSON Schema, `$schema` left out: for the OpenAPI document
 * (2020-12) and API Gateway's models (draft 4). A refined schema with
 * variants (item-model.ts) is given as their `anyOf`, so that what the
 * refinement refuses is not offered as valid.
 */
export function jsonSchemaOf(
  schema: z.ZodType,
  io: 'input' | 'output',
  target?: 'draft-04',
): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    ...(target ? { target } : {}),
    override: (ctx) => {
      const variants =
        io === 'input' ? JSON_SCHEMA_VARIANTS.get(ctx.zodSchema as unknown as z.ZodType) : undefined;
      if (variants === undefined) return;
      const out = ctx.jsonSchema as Record<string, unknown>;
      for (const key of Object.keys(out)) delete out[key];
      out.anyOf = variants.map((v) => jsonSchemaOf(v, io, target));
    },
  }) as Record<string, unknown>;
  return rest;
}
