import {
  aws_apigateway as apigw,
  CfnOutput,
  aws_route53 as route53,
  aws_route53_targets as targets,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CORE_MANIFEST } from './core-manifest';
import type { VaultApiDomain } from './props';

/**
 * The API under a custom domain: a regional API Gateway domain name (TLS 1.2)
 * whose base path `v1` maps to the `v1` stage, so the routes are
 * `https://{domain}/v1/...`, the same layout as behind CloudFront and on the
 * execute-api host; and, given a hosted zone, the alias record for it.
 */
export function customDomain(
  scope: Construct,
  api: apigw.RestApi,
  options: VaultApiDomain,
): apigw.DomainName {
  const domain = new apigw.DomainName(scope, 'ApiDomain', {
    domainName: options.domainName,
    certificate: options.certificate,
    endpointType: apigw.EndpointType.REGIONAL,
    securityPolicy: apigw.SecurityPolicy.TLS_1_2,
  });
  new apigw.BasePathMapping(scope, 'ApiDomainMapping', {
    domainName: domain,
    restApi: api,
    stage: api.deploymentStage,
    basePath: CORE_MANIFEST.apiStage,
  });
  if (options.hostedZone !== undefined)
    new route53.ARecord(scope, 'ApiDomainRecord', {
      zone: options.hostedZone,
      recordName: options.domainName,
      target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domain)),
    });
  new CfnOutput(scope, 'ApiDomainUrl', {
    description: 'The API under its custom domain: give it to the CLI (--api-url) and API clients',
    value: `https://${options.domainName}/${CORE_MANIFEST.apiStage}/`,
  });
  return domain;
}
