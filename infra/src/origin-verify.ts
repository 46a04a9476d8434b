import { Aws, aws_cloudfront as cloudfront, Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { CloudFrontOriginProtection } from './waf-rules';

/** The header CloudFront adds to every request it sends the API; the web ACL blocks requests without it. */
export const ORIGIN_VERIFY_HEADER = 'X-Kmsvault-Origin-Verify';

/** The header the viewer-request function sets to the viewer's address, which the auth rate rule counts by. */
export const VIEWER_IP_HEADER = 'X-Kmsvault-Viewer-Ip';

/**
 * How the API knows a request came through CloudFront: the origin-verify
 * header with the stack's own GUID (the last part of the stack id), and the
 * viewer-address header.
 *
 * The GUID is random, made by CloudFormation at create time and never sent
 * to a viewer (CloudFront does not return origin headers; the WAF log
 * configuration redacts the header). It is no stronger than its readers:
 * anyone allowed cloudformation:DescribeStacks, cloudfront:GetDistributionConfig
 * or wafv2:GetWebACL in the account can read it, and it never rotates. It
 * keeps the world from calling the execute-api URL directly (around
 * CloudFront's headers and the viewer-address rate rule); it is not an
 * authentication of CloudFront.
 */
export function cloudFrontOriginProtection(): CloudFrontOriginProtection {
  return {
    originVerifyHeader: ORIGIN_VERIFY_HEADER,
    originVerifyValue: Fn.select(2, Fn.split('/', Aws.STACK_ID)),
    viewerIpHeader: VIEWER_IP_HEADER,
  };
}

/**
 * A CloudFront function (viewer request) that sets VIEWER_IP_HEADER to the
 * viewer's address, replacing whatever the client sent under that name, so
 * the regional WAF can count requests per viewer: X-Forwarded-For would not
 * do, as WAF reads its first address, which is the client's to write.
 */
export function viewerIpFunction(scope: Construct, id: string): cloudfront.Function {
  const header = VIEWER_IP_HEADER.toLowerCase();
  return new cloudfront.Function(scope, id, {
    comment: `kmsvault: sets ${VIEWER_IP_HEADER} to the viewer address for the API's WAF`,
    runtime: cloudfront.FunctionRuntime.JS_2_0,
    code: cloudfront.FunctionCode.fromInline(
      `function handler(event) {\n  event.request.headers['${header}'] = { value: event.viewer.ip };\n  return event.request;\n}\n`,
    ),
  });
}
