/** What an authorizer's policy says about one method ARN. */
export type PolicyDecision = 'Allow' | 'Deny' | 'None';

/**
 * Evaluates a Lambda authorizer's policy for one method ARN as API Gateway
 * does: among the statements whose Action covers `execute-api:Invoke` and
 * whose Resource matches (`*` any run of characters, `?` one), an explicit
 * Deny wins, then an Allow; no matching statement is an implicit deny.
 * Written by hand: it is a few lines, and the IAM evaluator the KMS emulator
 * uses knows nothing of execute-api ARNs.
 */
export function policyDecision(policyDocument: unknown, methodArn: string): PolicyDecision {
  const raw = (policyDocument as { Statement?: unknown } | undefined)?.Statement ?? [];
  const statements = (Array.isArray(raw) ? raw : [raw]) as Record<string, unknown>[];
  const relevant = statements.filter(
    (s) =>
      listOf(s.Action).some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*') &&
      listOf(s.Resource).some((r) => globMatches(r, methodArn)),
  );
  if (relevant.some((s) => s.Effect === 'Deny')) return 'Deny';
  return relevant.some((s) => s.Effect === 'Allow') ? 'Allow' : 'None';
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}
