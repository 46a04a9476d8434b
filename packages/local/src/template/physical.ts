import { createHash } from 'node:crypto';
import type { ResolvedResource } from './intrinsics';
import type { StackEnvironment } from './types';

/**
 * Deterministic physical ids: the same stack and logical id give the same
 * name on every start, so references, state files and logs stay stable.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` characters of `alphabet` derived from SHA-256 of the parts. */
export function shortId(parts: readonly string[], length: number, alphabet: string = LOWER): string {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += alphabet[(digest[i % digest.length] as number) % alphabet.length];
  return out;
}

/** `${stackName}-${logicalId}` cut to `max` characters, as CloudFormation names what the template leaves unnamed. */
export function generatedName(env: Pick<StackEnvironment, 'stackName'>, logicalId: string, max = 64): string {
  return `${env.stackName}-${logicalId}`.slice(0, max);
}

/** A resource with a fixed Ref and attributes. */
export function physical(ref: string, attributes: Readonly<Record<string, unknown>> = {}): ResolvedResource {
  return { ref, getAtt: (name) => attributes[name] };
}

/**
 * Ref and attributes for a type the local cloud does not run, so templates
 * that refer to it still resolve: the Ref each type documents (a name, an
 * ARN or an id), an `Arn`, and for any other attribute a stable placeholder.
 */
export function placeholderResource(
  env: StackEnvironment,
  logicalId: string,
  type: string,
): ResolvedResource {
  const { partition, region, account } = env;
  const name = `${generatedName(env, logicalId, 50)}-${shortId([env.stackName, logicalId], 12, UPPER)}`;
  const id = shortId([env.stackName, logicalId], 10);
  const [, service = 'local', kind = 'resource'] = type.split('::').map((s) => s.toLowerCase());
  let ref: string = name;
  let arn = `arn:${partition}:${service}:${region}:${account}:${kind}/${name}`;
  const extra: Record<string, unknown> = {};
  switch (type) {
    case 'AWS::S3::Bucket': {
      const bucket = name.toLowerCase().slice(0, 63);
      ref = bucket;
      arn = `arn:${partition}:s3:::${bucket}`;
      Object.assign(extra, {
        DomainName: `${bucket}.s3.amazonaws.com`,
        RegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        DualStackDomainName: `${bucket}.s3.dualstack.${region}.amazonaws.com`,
        WebsiteURL: `http://${bucket}.s3-website-${region}.amazonaws.com`,
      });
      break;
    }
    case 'AWS::SNS::Topic':
      arn = `arn:${partition}:sns:${region}:${account}:${name}`;
      ref = arn;
      Object.assign(extra, { TopicArn: arn, TopicName: name });
      break;
    case 'AWS::Logs::LogGroup':
      arn = `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      break;
    case 'AWS::SQS::Queue':
      arn = `arn:${partition}:sqs:${region}:${account}:${name}`;
      ref = `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      Object.assign(extra, { QueueName: name, QueueUrl: ref });
      break;
    case 'AWS::CloudWatch::Alarm':
      arn = `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
      break;
    case 'AWS::WAFv2::WebACL':
      ref = `${name}|${id}|REGIONAL`;
      arn = `arn:${partition}:wafv2:${region}:${account}:regional/webacl/${name}/${id}`;
      Object.assign(extra, { Id: id });
      break;
    case 'AWS::CloudFront::OriginAccessControl':
    case 'AWS::CloudFront::CachePolicy':
    case 'AWS::CloudFront::OriginRequestPolicy':
      ref = id.toUpperCase();
      Object.assign(extra, { Id: ref });
      break;
    default:
      break;
  }
  const attributes: Record<string, unknown> = { Arn: arn, Id: id, Name: name, ...extra };
  return { ref, getAtt: (attr) => attributes[attr] ?? `${ref}.${attr}` };
}

/** Types the loader knows and deliberately does not run, with the reason shown at start. */
const NOT_RUN: Readonly<Record<string, string>> = {
  'AWS::CDK::Metadata': 'CDK metadata: nothing to run',
  'AWS::Logs::LogGroup': "function logs go to the worker's output; log groups are not created",
  'AWS::Logs::MetricFilter': 'log metric filters are not evaluated locally',
  'AWS::CloudWatch::Alarm': 'CloudWatch alarms are not evaluated locally',
  'AWS::CloudWatch::Dashboard': 'CloudWatch dashboards are not rendered locally',
  'AWS::SNS::Topic': 'alarm notifications are not sent locally',
  'AWS::SNS::TopicPolicy': 'alarm notifications are not sent locally',
  'AWS::SNS::Subscription': 'alarm notifications are not sent locally',
  'AWS::Events::Rule': 'CloudTrail events (the key-change alarm) are not raised locally',
  'AWS::Lambda::Permission':
    'the local gateway invokes functions directly; function resource policies are not evaluated',
  'AWS::ApiGateway::Account': 'API Gateway account settings (CloudWatch role) have no local meaning',
  'AWS::S3::Bucket': 'static files are served from the web package; buckets are not created',
  'AWS::S3::BucketPolicy': 'buckets are not created locally',
  'AWS::WAFv2::WebACL': 'WAF rules are not evaluated locally',
  'AWS::WAFv2::WebACLAssociation': 'WAF rules are not evaluated locally',
  'AWS::WAFv2::LoggingConfiguration': 'WAF rules are not evaluated locally',
  'AWS::CloudFront::OriginAccessControl': 'origin access control has no local meaning (no S3 bucket)',
};

/** Why a resource of `type` is not run: the known reason, or "not modelled" for a type the loader does not know. */
export function notRunReason(type: string): string {
  return NOT_RUN[type] ?? `${type} is not modelled by the local cloud`;
}
