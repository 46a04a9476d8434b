import { API_STAGE } from '@kmsvault/core';
import {
  ArnFormat,
  type aws_apigateway as apigw,
  aws_logs as logs,
  type RemovalPolicy,
  Stack,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { retainableName } from './lifecycle';
import { acknowledge } from './nag';

/**
 * What the auth rate rule matches: the URI path as API Gateway receives it,
 * the stage then the resource (`/v1/auth/login`), which is also the
 * manifest's path and the path CloudFront forwards from `/v1/*`.
 */
export const AUTH_PATH_PREFIX = `/${API_STAGE}/auth/`;

/**
 * A WAFv2 web ACL on the API's stage: AWS managed rules and a rate-based rule
 * on `/v1/auth/*`, logging to its own log group (Authorization redacted).
 */
export function webAcl(
  scope: Construct,
  api: apigw.RestApi,
  authRateLimit: number,
  logRetention: logs.RetentionDays,
  removalPolicy: RemovalPolicy,
): wafv2.CfnWebACL {
  const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
    visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: name },
  });
  const acl = new wafv2.CfnWebACL(scope, 'WebAcl', {
    scope: 'REGIONAL',
    defaultAction: { allow: {} },
    visibilityConfig: {
      sampledRequestsEnabled: true,
      cloudWatchMetricsEnabled: true,
      metricName: 'kmsvault',
    },
    rules: [
      managed('AWSManagedRulesCommonRuleSet', 0),
      managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
      managed('AWSManagedRulesAmazonIpReputationList', 2),
      {
        name: 'AuthRateLimit',
        priority: 3,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: authRateLimit,
            aggregateKeyType: 'IP',
            scopeDownStatement: {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: AUTH_PATH_PREFIX,
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          },
        },
        visibilityConfig: {
          sampledRequestsEnabled: true,
          cloudWatchMetricsEnabled: true,
          metricName: 'AuthRateLimit',
        },
      },
    ],
  });
  // WAF logs go to a log group whose name WAF requires to start with aws-waf-logs-;
  // the stack's id in it keeps a retained group from blocking the stack's next create.
  const wafLogs = new logs.LogGroup(scope, 'WebAclLogs', {
    logGroupName: retainableName(scope, 'aws-waf-logs-kmsvault-'),
    retention: logRetention,
    removalPolicy: removalPolicy,
  });
  acknowledge(
    wafLogs,
    'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    'CloudWatch Logs encrypts at rest; WAF logs hold request metadata, and the Authorization header is redacted',
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
    redactedFields: [{ singleHeader: { Name: 'authorization' } }],
  });
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', {
    resourceArn: api.deploymentStage.stageArn,
    webAclArn: acl.attrArn,
  });
  return acl;
}
