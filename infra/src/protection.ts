import { ArnFormat, type aws_apigateway as apigw, Stack, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { retainableName } from './lifecycle';
import { type LogGroupSettings, vaultLogGroup } from './log-groups';
import {
  authRateRule,
  bodyTooLargeRule,
  type CloudFrontOriginProtection,
  MANAGED_BODY_SIZE_RULE,
  managedRules,
  originVerifyRule,
} from './waf-rules';

export { AUTH_PATH_PREFIX } from './waf-rules';

/** What the web ACL enforces besides the managed rules, and where it logs. */
export interface WebAclOptions {
  /** Requests per 5 minutes per client address on `/v1/auth/*`. */
  readonly authRateLimit: number;
  /** Its log group's retention, removal policy and key. */
  readonly logs: LogGroupSettings;
  /**
   * The API is served through the web vault's CloudFront distribution:
   * requests without its origin-verify header are blocked, and the rate
   * rule counts per viewer address.
   * @default - the API is called directly; the rate rule counts per source address
   */
  readonly cloudFront?: CloudFrontOriginProtection;
}

/**
 * A WAFv2 web ACL on the API's stage: behind CloudFront, a block of every
 * request that did not come through it; AWS managed rules (the common
 * set's 8 KB body rule only counting); a block of bodies over the API's
 * limit; and a rate-based rule on `/v1/auth/*`. It logs to its own log
 * group (under the logs key), the Authorization and origin-verify headers redacted.
 */
export function webAcl(scope: Construct, api: apigw.RestApi, options: WebAclOptions): wafv2.CfnWebACL {
  const { cloudFront } = options;
  // First of all, behind CloudFront: a request that did not come through it is blocked.
  const first = cloudFront ? [originVerifyRule(0, cloudFront)] : [];
  const at = first.length;
  const rules = [
    ...first,
    managedRules('AWSManagedRulesCommonRuleSet', at, [MANAGED_BODY_SIZE_RULE]),
    managedRules('AWSManagedRulesKnownBadInputsRuleSet', at + 1),
    managedRules('AWSManagedRulesAmazonIpReputationList', at + 2),
    authRateRule(at + 3, options.authRateLimit, cloudFront),
    bodyTooLargeRule(at + 4),
  ];
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      sampledRequestsEnabled: true,
      cloudWatchMetricsEnabled: true,
      metricName: 'kmsvault',
    },
    rules,
  });
  // WAF logs go to a log group whose name WAF requires to start with aws-waf-logs-;
  // the stack's id in it keeps a retained group from blocking the stack's next create.
  const wafLogs = vaultLogGroup(
    scope,
    'WebAclLogs',
    options.logs,
    retainableName(scope, 'aws-waf-logs-kmsvault-'),
  );
  new wafv2.CfnLoggingConfiguration(scope, 'WebAclLogging', {
    resourceArn: acl.attrArn,
    logDestinationConfigs: [
      Stack.of(scope).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: wafLogs.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
    redactedFields: [
      { singleHeader: { Name: 'authorization' } },
      ...(cloudFront ? [{ singleHeader: { Name: cloudFront.originVerifyHeader.toLowerCase() } }] : []),
    ],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: api.deploymentStage.stageArn,
    webAclArn: acl.attrArn,
  });
  return acl;
}
