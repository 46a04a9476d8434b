import type { aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { CORE_MANIFEST } from './core-manifest';
import { greaterThanPattern } from './decimal-pattern';

type Rule = wafv2.CfnWebACL.RuleProperty;

/**
 * What the auth rate rule matches: the URI path as API Gateway receives it,
 * the stage then the resource (`/v1/auth/login`), which is also the
 * manifest's path and the path CloudFront forwards from `/v1/*`.
 */
export const AUTH_PATH_PREFIX = `/${CORE_MANIFEST.apiStage}/auth/`;

/**
 * The rule of `AWSManagedRulesCommonRuleSet` that blocks bodies over 8 KB.
 * Imports and notes are larger (the API takes up to MAX_BODY_BYTES), so it
 * only counts; BodyTooLarge blocks at the API's own limit instead.
 */
export const MANAGED_BODY_SIZE_RULE = 'SizeRestrictions_BODY';

/** How the web ACL knows a request came through the web vault's CloudFront distribution. */
export interface CloudFrontOriginProtection {
  /** The header CloudFront adds to every request to the API origin. */
  readonly originVerifyHeader: string;
  /** Its value, a secret of the stack (see origin-verify.ts for its strength). */
  readonly originVerifyValue: string;
  /** The header a CloudFront function sets to the viewer's address. */
  readonly viewerIpHeader: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  sampledRequestsEnabled: true,
  cloudWatchMetricsEnabled: true,
  metricName,
});

/** An AWS managed rule group, its rules' own actions kept except those overridden to count. */
export function managedRules(name: string, priority: number, countOnly: readonly string[] = []): Rule {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(countOnly.length > 0
          ? { ruleActionOverrides: countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
          : {}),
      },
    },
    visibilityConfig: visibility(name),
  };
}

/**
 * Blocks a request whose Content-Length is over the API's body limit
 * (MAX_BODY_BYTES, 256 KB). WAF reads at most the first 8 KB of a body on
 * an API Gateway stage (64 KB at extra cost), so a size constraint on the
 * body cannot tell 100 KB from 300 KB (oversize handling can only say "more
 * than the inspected part"). The declared length can: it is how many bytes
 * API Gateway reads as the body. A request without Content-Length (chunked) passes this rule and
 * meets the same limit in the function (413 payload_too_large).
 */
export function bodyTooLargeRule(priority: number): Rule {
  return {
    name: 'BodyTooLarge',
    priority,
    action: { block: {} },
    statement: {
      regexMatchStatement: {
        fieldToMatch: { singleHeader: { Name: 'content-length' } },
        regexString: greaterThanPattern(CORE_MANIFEST.maxBodyBytes),
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    },
    visibilityConfig: visibility('BodyTooLarge'),
  };
}

/** Blocks every request that lacks CloudFront's origin-verify header with the stack's value. */
export function originVerifyRule(priority: number, protection: CloudFrontOriginProtection): Rule {
  return {
    name: 'OnlyThroughCloudFront',
    priority,
    action: { block: {} },
    statement: {
      notStatement: {
        statement: {
          byteMatchStatement: {
            fieldToMatch: { singleHeader: { Name: protection.originVerifyHeader.toLowerCase() } },
            positionalConstraint: 'EXACTLY',
            searchString: protection.originVerifyValue,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      },
    },
    visibilityConfig: visibility('OnlyThroughCloudFront'),
  };
}

/**
 * The rate rule on `/v1/auth/*`: per source address, or, behind CloudFront
 * (whose addresses are the source), per viewer address from the header the
 * CloudFront function sets. Not X-Forwarded-For: WAF takes its first
 * address, which the client writes (CloudFront appends the real one), so a
 * client could rotate it to escape the limit.
 */
export function authRateRule(priority: number, limit: number, cloudFront?: CloudFrontOriginProtection): Rule {
  return {
    name: 'AuthRateLimit',
    priority,
    action: { block: {} },
    statement: {
      rateBasedStatement: {
        limit,
        ...(cloudFront
          ? {
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: cloudFront.viewerIpHeader, fallbackBehavior: 'MATCH' },
            }
          : { aggregateKeyType: 'IP' }),
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
    visibilityConfig: visibility('AuthRateLimit'),
  };
}
