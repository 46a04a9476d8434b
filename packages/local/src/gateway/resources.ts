import type { ApiMethod } from '../template/types';

/** A request matched to a resource and one of its methods. */
export interface ResourceMatch {
  readonly method: ApiMethod;
  /** Decoded values of the `{name}` and `{name+}` parts. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

interface ResourceNode {
  readonly literals: Map<string, ResourceNode>;
  param?: { readonly name: string; readonly node: ResourceNode };
  greedy?: { readonly name: string; readonly node: ResourceNode };
  readonly methods: Map<string, ApiMethod>;
}

const node = (): ResourceNode => ({ literals: new Map(), methods: new Map() });

/**
 * The REST API's resource tree, matched as API Gateway matches it: the most
 * specific resource wins (a literal part before `{id}`, `{id}` before
 * `{proxy+}`, which takes one or more parts), then the method on that
 * resource, or its ANY method. No resource, or no such method on it, is
 * undefined: API Gateway answers both with MISSING_AUTHENTICATION_TOKEN.
 * Written by hand: API Gateway's precedence is what matters, not a router's.
 */
export class ResourceTree {
  private readonly root = node();

  public constructor(methods: readonly ApiMethod[]) {
    for (const method of methods) {
      let at = this.root;
      for (const part of segments(method.resourcePath)) at = child(at, part);
      at.methods.set(method.httpMethod.toUpperCase(), method);
    }
  }

  /** `path` is the path inside the stage (`/secrets/abc`), still percent-encoded. */
  public match(httpMethod: string, path: string): ResourceMatch | undefined {
    const found = find(this.root, segments(path), 0);
    if (found === undefined) return undefined;
    const method = found.node.methods.get(httpMethod.toUpperCase()) ?? found.node.methods.get('ANY');
    return method === undefined ? undefined : { method, pathParameters: found.params };
  }
}

function child(parent: ResourceNode, part: string): ResourceNode {
  const greedy = /^\{(.+)\+\}$/.exec(part);
  if (greedy) {
    parent.greedy ??= { name: greedy[1] as string, node: node() };
    return parent.greedy.node;
  }
  const param = /^\{(.+)\}$/.exec(part);
  if (param) {
    parent.param ??= { name: param[1] as string, node: node() };
    return parent.param.node;
  }
  let next = parent.literals.get(part);
  if (next === undefined) {
    next = node();
    parent.literals.set(part, next);
  }
  return next;
}

function find(
  at: ResourceNode,
  parts: readonly string[],
  index: number,
): { node: ResourceNode; params: Record<string, string> } | undefined {
  if (index === parts.length) return { node: at, params: {} };
  const part = parts[index] as string;
  const literal = at.literals.get(part);
  if (literal !== undefined) {
    const found = find(literal, parts, index + 1);
    if (found) return found;
  }
  if (at.param !== undefined && part.length > 0) {
    const found = find(at.param.node, parts, index + 1);
    if (found) return { node: found.node, params: { [at.param.name]: decode(part), ...found.params } };
  }
  if (at.greedy !== undefined && parts.slice(index).join('/').length > 0) {
    return { node: at.greedy.node, params: { [at.greedy.name]: decode(parts.slice(index).join('/')) } };
  }
  return undefined;
}

function segments(path: string): string[] {
  const trimmed = path.replace(/^\//, '');
  return trimmed.length === 0 ? [] : trimmed.split('/');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
