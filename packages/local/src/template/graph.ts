import { intrinsicName } from './intrinsics';
import { TemplateError } from './types';

/** A resource as the template declares it. */
export interface DeclaredResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly dependsOn: readonly string[];
  readonly condition?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * The logical ids a value refers to: `Ref`, `Fn::GetAtt` and the `${…}` of
 * `Fn::Sub` (pseudo parameters and `${!…}` literals excluded; parameters are
 * included and filtered out by the caller, which knows them).
 */
export function references(value: unknown, into: Set<string> = new Set()): Set<string> {
  const name = intrinsicName(value);
  if (name !== undefined) {
    const arg = (value as Record<string, unknown>)[name];
    if (name === 'Ref' && typeof arg === 'string') {
      if (!arg.startsWith('AWS::')) into.add(arg);
      return into;
    }
    if (name === 'Fn::GetAtt') {
      const target = typeof arg === 'string' ? arg.split('.')[0] : Array.isArray(arg) ? arg[0] : undefined;
      if (typeof target === 'string') into.add(target);
      else references(arg, into);
      return into;
    }
    if (name === 'Fn::Sub') {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? arg : [undefined, {}];
      const local = new Set(Object.keys((vars ?? {}) as object));
      if (typeof text === 'string') {
        for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const ref = (match[1] as string).trim().split('.')[0] as string;
          if (!ref.startsWith('AWS::') && !local.has(ref)) into.add(ref);
        }
      }
      references(vars, into);
      return into;
    }
  }
  if (Array.isArray(value)) for (const v of value) references(v, into);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) references(v, into);
  return into;
}

/**
 * The resources in an order where each comes after everything it refers to
 * (Ref, GetAtt, Sub, DependsOn), as CloudFormation creates them. A cycle, or
 * a DependsOn naming no resource, is a TemplateError.
 */
export function creationOrder(resources: readonly DeclaredResource[]): DeclaredResource[] {
  const byId = new Map(resources.map((r) => [r.logicalId, r]));
  const edges = new Map<string, string[]>();
  for (const r of resources) {
    for (const dep of r.dependsOn) {
      if (!byId.has(dep)) throw new TemplateError(r.logicalId, `DependsOn names no resource: ${dep}`);
    }
    const refs = [...references(r.properties)].filter((id) => byId.has(id) && id !== r.logicalId);
    edges.set(r.logicalId, [...new Set([...r.dependsOn, ...refs])]);
  }
  const order: DeclaredResource[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: readonly string[]): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' -> ');
      throw new TemplateError(id, `circular dependency: ${cycle}`);
    }
    state.set(id, 'visiting');
    for (const dep of edges.get(id) ?? []) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(byId.get(id) as DeclaredResource);
  };
  for (const r of resources) visit(r.logicalId, []);
  return order;
}

/** The template's Resources section as DeclaredResources. */
export function declaredResources(template: Readonly<Record<string, unknown>>): DeclaredResource[] {
  const section = (template.Resources ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(section).map(([logicalId, r]) => {
    if (typeof r?.Type !== 'string') throw new TemplateError(logicalId, 'resource has no Type');
    const dependsOn =
      r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    return {
      logicalId,
      type: r.Type,
      properties: (r.Properties ?? {}) as Record<string, unknown>,
      dependsOn: dependsOn.map(String),
      ...(typeof r.Condition === 'string' ? { condition: r.Condition } : {}),
      metadata: (r.Metadata ?? {}) as Record<string, unknown>,
    };
  });
}
