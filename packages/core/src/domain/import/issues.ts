import type * as z from 'zod';

/** `login.uris[0].uri` for zod's `['login', 'uris', 0, 'uri']`, under `root` when given. */
export function fieldPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/**
 * A message for one issue that never quotes the input: a wrong type says what
 * was expected, a missing value says it is required, anything else keeps the
 * schema's own words (every schema here words its messages without values).
 * Parse with `{ reportInput: true }` so a missing value can be told apart.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    return `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  return issue.message;
}

/** Every issue as `path message`, joined; `whole` names the value itself (an empty path). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], whole: string, root = ''): string {
  return issues.map((i) => `${fieldPath(i.path, root) || whole} ${issueMessage(i)}`).join('; ');
}
