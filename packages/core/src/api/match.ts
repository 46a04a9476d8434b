import { decodePath } from './http';
import type { RouteDefinition } from './types';

export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

export type MatchResult =
  | { kind: 'match'; match: RouteMatch }
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

interface Compiled {
  readonly route: RouteDefinition;
  readonly regex: RegExp;
  readonly names: string[];
}

/**
 * Matches request paths against the manifest's templates, as API Gateway
 * does: a `{name}` segment matches one non-empty path segment; a literal
 * segment wins over a parameter at the same position. A parameter with a
 * malformed percent-escape throws ValidationError (400).
 */
export class RouteMatcher {
  private readonly compiled: Compiled[];

  public constructor(routes: readonly RouteDefinition[]) {
    this.compiled = routes
      .map((route) => {
        const names: string[] = [];
        const pattern = route.path
          .split('/')
          .map((segment) => {
            const param = /^\{([A-Za-z0-9_]+)\}$/.exec(segment);
            if (param) {
              names.push(param[1] as string);
              return '([^/]+)';
            }
            return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          })
          .join('/');
        return { route, regex: new RegExp(`^${pattern}$`), names };
      })
      .sort((a, b) => a.names.length - b.names.length);
  }

  public match(method: string, path: string): MatchResult {
    const candidates = this.compiled.filter((c) => c.regex.test(path));
    if (candidates.length === 0) return { kind: 'none' };
    const fewestParams = Math.min(...candidates.map((c) => c.names.length));
    const best = candidates.filter((c) => c.names.length === fewestParams);
    const hit = best.find((c) => c.route.method === method);
    if (hit === undefined) return { kind: 'method', allowed: best.map((c) => c.route.method) };
    const values = hit.regex.exec(path)?.slice(1) ?? [];
    const pathParameters: Record<string, string> = {};
    hit.names.forEach((name, i) => {
      pathParameters[name] = decodePath(values[i] as string);
    });
    return { kind: 'match', match: { route: hit.route, pathParameters } };
  }
}
