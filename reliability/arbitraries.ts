import fc from 'fast-check';

type Schema = Record<string, unknown>;

/**
 * fast-check arbitraries from the OpenAPI request schemas (JSON Schema
 * 2020-12 as zod writes it): values that fit, values just past each limit,
 * wrong types, and extra keys, so every branch of validation is exercised.
 */
export function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const anyOf = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (anyOf) return fc.oneof(...anyOf.map((s) => fromSchema(s, depth + 1)));
  const wrongType = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.boolean(),
    fc.string({ maxLength: 5 }),
    fc.constant([]),
  );
  switch (schema.type) {
    case 'string': {
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : 64;
      const values = schema.enum as string[] | undefined;
      const text = fc.oneof(
        fc.string({ maxLength: Math.min(max, 200) }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.constant('x'.repeat(max + 1)),
        fc.constant(''),
      );
      return fc.oneof(
        { weight: 6, arbitrary: values ? fc.oneof(fc.constantFrom(...values), text) : text },
        { weight: 1, arbitrary: wrongType },
      );
    }
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: -5, max: 300 }),
        fc.constantFrom(0, -1, 2 ** 53, -(2 ** 53), 1e308, Number.MIN_VALUE, 3.5),
        wrongType,
      );
    case 'boolean':
      return fc.oneof(fc.boolean(), wrongType);
    case 'array': {
      const items = schema.items ? fromSchema(schema.items as Schema, depth + 1) : fc.anything();
      const max = typeof schema.maxItems === 'number' ? schema.maxItems + 2 : 5;
      return fc.oneof(fc.array(items, { maxLength: Math.min(max, 40) }), wrongType);
    }
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries = Object.entries(properties).map(([k, s]) => [k, fromSchema(s, depth + 1)] as const);
      const record = fc.record(Object.fromEntries(entries), {
        requiredKeys: [...required].filter((k) => k in properties),
      });
      const extra = fc.dictionary(
        fc.constantFrom('extra', '__proto__', 'constructor', 'admin', '$where'),
        fc.anything(),
        { maxKeys: 2 },
      );
      return fc.oneof(
        { weight: 5, arbitrary: record },
        { weight: 1, arbitrary: fc.tuple(record, extra).map(([a, b]) => ({ ...(a as object), ...b })) },
        { weight: 1, arbitrary: wrongType },
      );
    }
    default:
      return fc.anything();
  }
}
