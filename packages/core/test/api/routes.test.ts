import { API_STAGE, ROUTES, resourcePathOf } from '../../src/api/routes';

describe('Route manifest', () => {
  it('puts every route under the stage, the API version /v1/ (JWKS included)', () => {
    for (const route of ROUTES) expect(route.path.startsWith(`/${API_STAGE}/`)).toBe(true);
    expect(ROUTES.find((r) => r.operationId === 'getJwks')?.path).toBe('/v1/.well-known/jwks.json');
  });

  describe('Function: resourcePathOf', () => {
    it('strips the stage, leaving the resource path API Gateway hands to the function', () => {
      expect(resourcePathOf('/v1/secrets/{id}')).toBe('/secrets/{id}');
      expect(resourcePathOf('/v1/.well-known/jwks.json')).toBe('/.well-known/jwks.json');
    });

    it.each(['/secrets', '/v1', '/v1/', '/v2/secrets', 'v1/secrets', '/v1x/secrets'])(
      'throws when %s is not a path under /v1/',
      (path) => {
        expect(() => resourcePathOf(path)).toThrow(/must start with \/v1\//);
      },
    );
  });
});
