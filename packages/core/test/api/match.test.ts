import { RouteMatcher } from '../../src/api/match';
import type { RouteDefinition } from '../../src/api/types';
import { ValidationError } from '../../src/domain/errors';

const route = (method: RouteDefinition['method'], path: string, operationId: string): RouteDefinition => ({
  operationId,
  method,
  path,
  function: 'secrets',
  auth: 'bearer',
  summary: operationId,
});

describe('Class: RouteMatcher', () => {
  const matcher = new RouteMatcher([
    route('GET', '/v1/secrets', 'list'),
    route('GET', '/v1/secrets/{id}', 'get'),
    route('PUT', '/v1/secrets/{id}', 'put'),
    route('GET', '/v1/secrets/{id}/versions/{v}', 'version'),
    route('GET', '/v1/secrets/search', 'literal'),
  ]);

  it('matches a template and decodes its parameters', () => {
    const result = matcher.match('GET', '/v1/secrets/a%20b/versions/3');
    expect(result).toEqual({
      kind: 'match',
      match: {
        route: expect.objectContaining({ operationId: 'version' }),
        pathParameters: { id: 'a b', v: '3' },
      },
    });
  });

  it('prefers a literal segment over a parameter at the same position', () => {
    const result = matcher.match('GET', '/v1/secrets/search');
    expect(result.kind === 'match' && result.match.route.operationId).toBe('literal');
  });

  it('reports the allowed methods when the path matches but the method does not', () => {
    expect(matcher.match('DELETE', '/v1/secrets/x')).toEqual({ kind: 'method', allowed: ['GET', 'PUT'] });
  });

  it('matches nothing for an unknown path, an empty parameter or a trailing segment', () => {
    expect(matcher.match('GET', '/v1/nope').kind).toBe('none');
    expect(matcher.match('GET', '/v1/secrets//versions/1').kind).toBe('none');
    expect(matcher.match('GET', '/v1/secrets/x/y').kind).toBe('none');
  });

  it('throws ValidationError (400), not URIError (500), for a parameter with a malformed percent-escape', () => {
    expect(() => matcher.match('GET', '/v1/secrets/%zz')).toThrow(ValidationError);
    expect(() => matcher.match('GET', '/v1/secrets/%E0%A4%A')).toThrow(ValidationError);
  });
});
