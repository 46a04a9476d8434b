import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vault } from '../src/vault';

type Origin = { Id: string; OriginPath?: string; DomainName: unknown };
type Behavior = { PathPattern: string; TargetOriginId: string };

describe('Class: WebVault (API behaviours)', () => {
  // GIVEN a Vault with the web vault, WHEN it synthesises
  const app = new App();
  const stack = new Stack(app, 'Web', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vault = new Vault(stack, 'Vault', {
    keyAdmins: [new iam.ArnPrincipal('arn:aws:iam::123456789012:role/KeyAdmin')],
    webVault: true,
  });
  const template = Template.fromStack(stack);
  const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties
    .DistributionConfig as { Origins: Origin[]; CacheBehaviors: Behavior[] };
  const originOf = (pattern: string): Origin => {
    const behavior = config.CacheBehaviors.find((b) => b.PathPattern === pattern) as Behavior;
    return config.Origins.find((o) => o.Id === behavior.TargetOriginId) as Origin;
  };

  it('forwards /v1/* to the API as it is: stage v1, then the resource', () => {
    // THEN
    const origin = originOf('/v1/*');
    expect(origin.OriginPath ?? '').toBe('');
    expect(JSON.stringify(origin.DomainName)).toContain(
      stack.getLogicalId(vault.api.node.defaultChild as never),
    );
  });

  it('serves /.well-known/* from the API under origin path /v1, so /.well-known/jwks.json is the stage JWKS', () => {
    // THEN
    const origin = originOf('/.well-known/*');
    expect(origin.OriginPath).toBe('/v1');
    expect(JSON.stringify(origin.DomainName)).toContain(
      stack.getLogicalId(vault.api.node.defaultChild as never),
    );
  });

  it('keeps both API behaviours uncached and HTTPS only', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/v1/*', ViewerProtocolPolicy: 'https-only' }),
          Match.objectLike({ PathPattern: '/.well-known/*', ViewerProtocolPolicy: 'https-only' }),
        ]),
      }),
    });
  });
});
