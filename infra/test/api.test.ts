import { API_STAGE, ROUTES, resourcePathOf } from '@kmsvault/core';
import {
  App,
  aws_certificatemanager as acm,
  aws_iam as iam,
  aws_route53 as route53,
  Stack,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../app/app';
import { ENVIRONMENTS } from '../app/config';
import { AUTH_PATH_PREFIX } from '../src/protection';
import { Vault, type VaultProps } from '../src/vault';
import { nagFindings } from './nag-support';

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

describe('Function: restApi (the account-level CloudWatch role)', () => {
  it('leaves the account-wide API Gateway CloudWatch role alone by default, so deleting the stack cannot break logging elsewhere', () => {
    // GIVEN a default Vault
    const template = synth();

    // THEN it owns no account settings and no role that API Gateway assumes
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const apigwRoles = Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'),
    );
    expect(apigwRoles).toEqual([]);
  });

  it('still logs access and execution (INFO) on the stage, which needs the account role set once per region', () => {
    // GIVEN
    const template = synth();

    // THEN
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO', DataTraceEnabled: false })],
    });
  });

  it('sets the account role when api.manageAccountCloudWatchRole is on, and keeps it like the data', () => {
    // GIVEN
    const template = synth({ api: { manageAccountCloudWatchRole: true } });

    // THEN
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    template.hasResource('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
  });

  it('gives none of the environment stacks the account role', () => {
    // GIVEN the app
    const app = buildApp(new App());

    // THEN
    for (const env of Object.keys(ENVIRONMENTS)) {
      Template.fromStack(app.node.findChild(`Kmsvault-${env}`) as Stack).resourceCountIs(
        'AWS::ApiGateway::Account',
        0,
      );
    }
  });
});

describe('Function: restApi (Lambda permissions)', () => {
  // GIVEN a default Vault, WHEN it synthesises
  const template = synth();
  const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as {
    Properties: { FunctionName: { 'Fn::GetAtt': [string, string] }; SourceArn: unknown };
  }[];
  const byFunction = new Map<string, unknown[]>();
  for (const p of permissions) {
    const fn = p.Properties.FunctionName['Fn::GetAtt'][0];
    byFunction.set(fn, [...(byFunction.get(fn) ?? []), p.Properties.SourceArn]);
  }

  it('gives each function at most two invoke permissions, however many routes it serves', () => {
    // THEN every function API Gateway calls has a permission, none has more than two
    expect([...byFunction.keys()].sort()).toEqual(
      Object.keys(template.findResources('AWS::Lambda::Function')).sort(),
    );
    const over = [...byFunction]
      .filter(([, arns]) => arns.length > 2)
      .map(([fn, arns]) => `${fn}: ${arns.length}`);
    expect(over).toEqual([]);
  });

  it("scopes each permission to this API's execute-api ARN: any method and path for a route function, its authorizer for the authorizer", () => {
    // THEN each source ARN names the API by reference, then a wildcard path or the authorizer
    const apiId = Object.keys(template.findResources('AWS::ApiGateway::RestApi'))[0] as string;
    const arns = [...byFunction.values()].flat().map((arn) => JSON.stringify(arn));
    expect(arns.length).toBe(3);
    for (const text of arns) {
      expect(text).toContain(':execute-api:');
      expect(text).toContain(`{"Ref":"${apiId}"}`);
      expect(text).toMatch(/(\/\*\/\*"\]\]\}|"\/authorizers\/",\{"Ref":"[A-Za-z0-9]+"\}\]\]\})$/);
    }
  });
});

/** An imported ACM certificate in the stack's region, for a custom domain. */
function certificateIn(stack: Stack): acm.ICertificate {
  return acm.Certificate.fromCertificateArn(
    stack,
    'Certificate',
    'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
  );
}

describe('Function: customDomain (api.domain)', () => {
  /** GIVEN a Vault whose API has a custom domain (with a hosted zone unless told otherwise). */
  function synthWithDomain(extra: Partial<VaultProps> = {}, zone = true): Template {
    const app = new App();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    const certificate = certificateIn(stack);
    const hostedZone = zone
      ? route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
          hostedZoneId: 'Z0000000000000000000',
          zoneName: 'example.com',
        })
      : undefined;
    new Vault(stack, 'Vault', {
      keyAdmins: [new iam.ArnPrincipal(ADMIN)],
      ...extra,
      api: {
        ...extra.api,
        domain: { domainName: 'vault-api.example.com', certificate, ...(hostedZone ? { hostedZone } : {}) },
      },
    });
    return Template.fromStack(stack);
  }

  it('maps base path v1 of a regional TLS 1.2 domain to the v1 stage, so the routes are https://{domain}/v1/... as everywhere else', () => {
    // WHEN
    const template = synthWithDomain();

    // THEN
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'vault-api.example.com',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      RegionalCertificateArn: Match.stringLikeRegexp('^arn:aws:acm:eu-west-1:'),
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', {
      BasePath: API_STAGE,
      Stage: { Ref: Match.stringLikeRegexp('Stage') },
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'vault-api.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0000000000000000000',
    });
    expect(Object.values(template.findOutputs('*')).map((o) => o.Value)).toContain(
      'https://vault-api.example.com/v1/',
    );
  });

  it('adds no cdk-nag finding: a Vault with a domain has the same unacknowledged findings as one without', () => {
    // GIVEN two Vaults, one with a custom domain
    const findings = (domain: boolean): string[] => {
      const app = new App();
      const stack = new Stack(app, 'NagDomain', { env: { account: '123456789012', region: 'eu-west-1' } });
      const certificate = certificateIn(stack);
      new Vault(stack, 'Vault', {
        keyAdmins: [new iam.ArnPrincipal(ADMIN)],
        api: {
          waf: true,
          ...(domain ? { domain: { domainName: 'vault-api.example.com', certificate } } : {}),
        },
      });
      return nagFindings(stack);
    };

    // WHEN / THEN
    expect(findings(true)).toEqual(findings(false));
  });

  it('adds no DNS record without a hosted zone', () => {
    // WHEN / THEN
    synthWithDomain({}, false).resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  it('refuses a domain on an API that answers only CloudFront (waf and web vault on), and a malformed host name', () => {
    // WHEN / THEN
    expect(() => synthWithDomain({ api: { waf: true }, webVault: true })).toThrow(
      /invalid Vault prop api\.domain: .*answers only requests that came through CloudFront/,
    );
    const app = new App();
    const stack = new Stack(app, 'Bad', { env: { account: '123456789012', region: 'eu-west-1' } });
    const certificate = certificateIn(stack);
    expect(
      () =>
        new Vault(stack, 'Vault', {
          keyAdmins: [new iam.ArnPrincipal(ADMIN)],
          api: { domain: { domainName: 'https://Vault.example.com/', certificate } },
        }),
    ).toThrow(/invalid Vault prop api\.domain\.domainName: got "https:\/\/Vault\.example\.com\/"/);
  });

  it('adds nothing when no domain is given', () => {
    // WHEN / THEN
    synth().resourceCountIs('AWS::ApiGateway::DomainName', 0);
  });
});
