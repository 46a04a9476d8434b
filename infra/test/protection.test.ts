import { MAX_BODY_BYTES } from '@kmsvault/core';
import { App, aws_iam as iam, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER } from '../src/origin-verify';
import { Vault, type VaultProps } from '../src/vault';

type Rule = { Name: string; Priority: number; Action?: unknown; Statement: Record<string, unknown> };
type Origin = { Id: string; OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[] };
type Behavior = { PathPattern: string; TargetOriginId: string; FunctionAssociations?: unknown[] };

const STACK_GUID = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };

/** GIVEN a stack with a Vault of these props, WHEN it synthesises. */
function synth(props: Partial<VaultProps>): Template {
  const app = new App();
  const stack = new Stack(app, 'Waf', { env: { account: '123456789012', region: 'eu-west-1' } });
  new Vault(stack, 'Vault', {
    keyAdmins: [new iam.ArnPrincipal('arn:aws:iam::123456789012:role/KeyAdmin')],
    ...props,
  });
  return Template.fromStack(stack);
}

function rulesOf(template: Template): Rule[] {
  const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
  return acl?.Properties.Rules as Rule[];
}

function rule(template: Template, name: string): Rule {
  const found = rulesOf(template).find((r) => r.Name === name);
  if (found === undefined) throw new Error(`no rule ${name}`);
  return found;
}

describe('Function: webAcl (request bodies)', () => {
  const template = synth({ api: { waf: true } });

  it('lets the common rule set only count bodies over 8 KB, so imports and notes up to the API limit pass', () => {
    // THEN
    expect(rule(template, 'AWSManagedRulesCommonRuleSet').Statement).toEqual({
      ManagedRuleGroupStatement: {
        VendorName: 'AWS',
        Name: 'AWSManagedRulesCommonRuleSet',
        RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
      },
    });
  });

  it("blocks a declared body length over the API's 256 KB limit, and no length at or under it", () => {
    // GIVEN
    const bodyRule = rule(template, 'BodyTooLarge');
    const regex = bodyRule.Statement.RegexMatchStatement as {
      FieldToMatch: unknown;
      RegexString: string;
    };

    // THEN: the rule blocks on the Content-Length header...
    expect(bodyRule.Action).toEqual({ Block: {} });
    expect(regex.FieldToMatch).toEqual({ SingleHeader: { Name: 'content-length' } });
    // ...whose value WAF matches with this pattern, true exactly above the limit.
    expect(MAX_BODY_BYTES).toBe(256 * 1024);
    const pattern = new RegExp(regex.RegexString);
    expect(pattern.test(String(MAX_BODY_BYTES))).toBe(false);
    expect(pattern.test(String(64 * 1024))).toBe(false);
    expect(pattern.test(String(MAX_BODY_BYTES + 1))).toBe(true);
    expect(pattern.test(String(10 * 1024 * 1024))).toBe(true);
  });

  it('counts auth requests per source address when the API is called directly', () => {
    // THEN
    const rate = rule(template, 'AuthRateLimit').Statement.RateBasedStatement as Record<string, unknown>;
    expect(rate.AggregateKeyType).toBe('IP');
    expect(rate.ForwardedIPConfig).toBeUndefined();
    expect(rulesOf(template).map((r) => r.Name)).not.toContain('OnlyThroughCloudFront');
  });

  it('gives every rule its own priority', () => {
    // THEN
    const priorities = rulesOf(template).map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });
});

describe('Function: webAcl (behind the web vault)', () => {
  const template = synth({ api: { waf: true }, webVault: true });
  const config = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties
    .DistributionConfig as { Origins: Origin[]; CacheBehaviors: Behavior[] };
  const behaviour = (pattern: string): Behavior =>
    config.CacheBehaviors.find((b) => b.PathPattern === pattern) as Behavior;
  const originOf = (pattern: string): Origin =>
    config.Origins.find((o) => o.Id === behaviour(pattern).TargetOriginId) as Origin;

  it('blocks, before any other rule, every request without the origin-verify header of the stack', () => {
    // THEN
    const verify = rule(template, 'OnlyThroughCloudFront');
    expect(verify.Priority).toBe(Math.min(...rulesOf(template).map((r) => r.Priority)));
    expect(verify.Action).toEqual({ Block: {} });
    expect(verify.Statement).toEqual({
      NotStatement: {
        Statement: {
          ByteMatchStatement: {
            FieldToMatch: { SingleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } },
            PositionalConstraint: 'EXACTLY',
            SearchString: STACK_GUID,
            TextTransformations: [{ Priority: 0, Type: 'NONE' }],
          },
        },
      },
    });
  });

  it('has CloudFront send that header with the same value to the API, on both API behaviours', () => {
    // THEN
    for (const pattern of ['/v1/*', '/.well-known/*']) {
      expect(originOf(pattern).OriginCustomHeaders).toEqual([
        { HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: STACK_GUID },
      ]);
    }
  });

  it('keeps the secret out of the WAF logs', () => {
    // THEN
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: ORIGIN_VERIFY_HEADER.toLowerCase() } }]),
    });
  });

  it('counts auth requests per viewer address from the header CloudFront sets, not per CloudFront address', () => {
    // THEN
    const rate = rule(template, 'AuthRateLimit').Statement.RateBasedStatement as Record<string, unknown>;
    expect(rate.AggregateKeyType).toBe('FORWARDED_IP');
    expect(rate.ForwardedIPConfig).toEqual({ HeaderName: VIEWER_IP_HEADER, FallbackBehavior: 'MATCH' });
  });

  it("sets the viewer-address header from CloudFront's viewer address, over whatever the client sent", () => {
    // GIVEN the viewer-request function of both API behaviours
    const functions = template.findResources('AWS::CloudFront::Function');
    const [logicalId, fn] = Object.entries(functions)[0] as [string, { Properties: Record<string, unknown> }];
    for (const pattern of ['/v1/*', '/.well-known/*']) {
      expect(behaviour(pattern).FunctionAssociations).toEqual([
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId, 'FunctionARN'] } },
      ]);
    }
    const code = fn.Properties.FunctionCode as string;

    // WHEN its code runs on a request whose client forged the header
    const handler = new Function(`${code}\nreturn handler;`)() as (event: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const request = handler({
      viewer: { ip: '203.0.113.7' },
      request: { headers: { [VIEWER_IP_HEADER.toLowerCase()]: { value: '198.51.100.1' } } },
    });

    // THEN the header holds the viewer's address
    expect(request.headers[VIEWER_IP_HEADER.toLowerCase()]).toEqual({ value: '203.0.113.7' });
  });
});

describe('Function: webAcl (web vault without a web ACL)', () => {
  it('adds no origin header nor function when no web ACL would check them', () => {
    // GIVEN / WHEN
    const template = synth({ webVault: true });

    // THEN
    template.resourceCountIs('AWS::CloudFront::Function', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain(ORIGIN_VERIFY_HEADER);
  });
});
