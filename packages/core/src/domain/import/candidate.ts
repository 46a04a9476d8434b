/** Tags from a comma-separated list (`tags: work, home`); undefined when there are none. */
export function splitTags(value: string | null | undefined): string[] | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** A candidate without its empty members: an empty value is an absent one. */
export function prune(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}
