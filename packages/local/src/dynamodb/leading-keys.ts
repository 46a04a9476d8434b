import type { DynamoDbScope } from './actions';

/**
 * `dynamodb:LeadingKeys`: the partition key values a request touches, as
 * strings (S and N as written, B as its base64 text), for fine-grained access
 * conditions such as `ForAllValues:StringEquals`.
 *
 * Written by hand: no library reads key values out of a DynamoDB request.
 */

/** The context key, as IAM policies name it. */
export const LEADING_KEYS = 'dynamodb:LeadingKeys';

type Json = Readonly<Record<string, unknown>>;
type LeadingKeys = Readonly<Record<string, readonly string[]>>;

/** The value as a JSON object, or an empty one. */
export function objectOf(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

/**
 * LeadingKeys of items (a Key or an Item each) on one table, or no entry when
 * the table's partition key is not known.
 */
export function leadingKeysOf(table: string, items: readonly unknown[], scope: DynamoDbScope): LeadingKeys {
  const attribute = scope.partitionKeyOf?.(table);
  if (attribute === undefined) return {};
  const values = items.flatMap((item) => {
    const value = scalarOf(objectOf(item)[attribute]);
    return value === undefined ? [] : [value];
  });
  return values.length === 0 ? {} : { [LEADING_KEYS]: [...new Set(values)] };
}

/**
 * LeadingKeys of a Query: the value its key condition requires of the
 * partition key, from KeyConditionExpression (`#pk = :pk AND …`, names and
 * values resolved) or the legacy KeyConditions (`EQ`).
 */
export function queryLeadingKeys(
  body: Json,
  indexName: string | undefined,
  scope: DynamoDbScope,
): LeadingKeys {
  const table = typeof body.TableName === 'string' ? body.TableName : undefined;
  const attribute = table === undefined ? undefined : scope.partitionKeyOf?.(table, indexName);
  if (attribute === undefined) return {};
  const value =
    typeof body.KeyConditionExpression === 'string'
      ? fromExpression(body.KeyConditionExpression, attribute, body)
      : fromKeyConditions(objectOf(body.KeyConditions)[attribute]);
  return value === undefined ? {} : { [LEADING_KEYS]: [value] };
}

/**
 * Finds `name = :value` or `:value = name` where name (or `#alias`) is the
 * partition key attribute. A key condition allows only `=` on the partition
 * key, joined to the sort key condition by AND, so a scan for equalities is
 * enough; anything else yields no value.
 */
function fromExpression(expression: string, attribute: string, body: Json): string | undefined {
  const names = objectOf(body.ExpressionAttributeNames);
  const values = objectOf(body.ExpressionAttributeValues);
  const operand = '(#?[A-Za-z0-9_.:-]+)';
  const equality = new RegExp(String.raw`${operand}\s*=\s*${operand}`, 'g');
  for (const [, left, right] of expression.matchAll(equality)) {
    if (left === undefined || right === undefined) continue;
    const [name, placeholder] = left.startsWith(':') ? [right, left] : [left, right];
    const resolved = name.startsWith('#') ? names[name] : name;
    if (resolved === attribute && placeholder.startsWith(':')) return scalarOf(values[placeholder]);
  }
  return undefined;
}

function fromKeyConditions(condition: unknown): string | undefined {
  const { ComparisonOperator, AttributeValueList } = objectOf(condition);
  if (ComparisonOperator !== 'EQ' || !Array.isArray(AttributeValueList)) return undefined;
  return scalarOf(AttributeValueList[0]);
}

/** An attribute value's S, N or B as a string. */
function scalarOf(value: unknown): string | undefined {
  const typed = objectOf(value);
  for (const type of ['S', 'N', 'B'] as const) {
    if (typeof typed[type] === 'string') return typed[type] as string;
  }
  return undefined;
}
