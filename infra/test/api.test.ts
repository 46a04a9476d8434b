import { API_STAGE, ROUTES, resourcePathOf } from '@kmsvault/core';
import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AUTH_PATH_PREFIX } from '../src/protection';
import { Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';

/** GIVEN a stack with a Vault of these props, WHEN it synthesises. */
function synth(props: Partial<VaultProps> = {}): Template {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props });
  return Template.fromStack(stack);
}

/** The full path of every AWS::ApiGateway::Resource under the stage, rebuilt from PathPart and ParentId. */
function resourcePaths(template: Template): string[] {
  const resources = template.findResources('AWS::ApiGateway::Resource') as Record<
    string,
    { Properties: { PathPart: string; ParentId: { Ref?: string; 'Fn::GetAtt'?: [string, string] } } }
  >;
  const pathOf = (id: string): string => {
    const { PathPart, ParentId } = (resources[id] as (typeof resources)[string]).Properties;
    const parent = ParentId.Ref;
    return parent !== undefined && resources[parent] !== undefined
      ? `${pathOf(parent)}/${PathPart}`
      : `/${PathPart}`;
  };
  return Object.keys(resources).map(pathOf);
}

describe('Function: restApi (the public URL layout)', () => {
  const template = synth();

  it('names the stage v1, the API version', () => {
    // THEN
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: API_STAGE });
    expect(API_STAGE).toBe('v1');
  });

  it('builds no resource path that starts with v1 under the stage, so no URL is /v1/v1/...', () => {
    // WHEN
    const paths = resourcePaths(template);

    // THEN
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path).not.toMatch(/^\/v1(\/|$)/);
  });

  it('serves every manifest route at stage v1 + its path after /v1, the JWKS included', () => {
    // WHEN
    const paths = new Set(resourcePaths(template));

    // THEN: the stage URL https://{api}.execute-api.{region}.amazonaws.com/v1/x serves manifest path /v1/x
    for (const route of ROUTES) expect(paths).toContain(resourcePathOf(route.path));
    expect(paths).toContain('/.well-known/jwks.json');
  });

  it('rate-limits exactly the auth routes as API Gateway receives them (stage, then resource)', () => {
    // GIVEN
    const waf = synth({ api: { waf: true } });

    // THEN
    waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'AuthRateLimit',
          Statement: {
            RateBasedStatement: Match.objectLike({
              ScopeDownStatement: {
                ByteMatchStatement: Match.objectLike({
                  SearchString: '/v1/auth/',
                  PositionalConstraint: 'STARTS_WITH',
                }),
              },
            }),
          },
        }),
      ]),
    });
    const authRoutes = ROUTES.filter(
      (r) => r.function === 'auth' && resourcePathOf(r.path).startsWith('/auth/'),
    );
    expect(authRoutes.length).toBeGreaterThan(0);
    for (const route of authRoutes) {
      const received = `/${API_STAGE}${resourcePathOf(route.path)}`;
      expect(received.startsWith(AUTH_PATH_PREFIX)).toBe(true);
    }
  });
});
