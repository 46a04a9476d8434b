import { join } from 'node:path';
import {
  type aws_apigateway as apigw,
  CfnOutput,
  aws_cloudfront as cloudfront,
  Duration,
  aws_cloudfront_origins as origins,
  type RemovalPolicy,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CORE_MANIFEST } from './core-manifest';
import { acknowledge } from './nag';
import { viewerIpFunction } from './origin-verify';
import type { CloudFrontOriginProtection } from './waf-rules';

export interface WebVaultProps {
  readonly api: apigw.RestApi;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Send the origin-verify header to the API and set the viewer-address
   * header (a viewer-request function), for the API's web ACL to check.
   * @default - neither (the API has no web ACL to check them)
   */
  readonly originProtection?: CloudFrontOriginProtection;
}

/**
 * The web vault: a private S3 bucket behind CloudFront (origin access
 * control, HTTPS only, security headers), with the API under the same
 * origin, so the page's CSP can stay 'self': `/v1/*` goes to the API as it
 * is (stage v1, then the resource), and `/.well-known/*` to the API under
 * origin path `/v1`, so `/.well-known/jwks.json` at the root is the stage's
 * `/v1/.well-known/jwks.json`.
 * The files are not uploaded by a custom resource: the package ships them in
 * `WebVault.SITE_DIRECTORY`, and a deploy uploads them (`aws s3 sync` to the
 * bucket, then a CloudFront invalidation), as this repository's workflow does.
 */
export class WebVault extends Construct {
  /**
   * The web vault's built static files (index.html, style.css, app.js) in
   * this package: `aws s3 sync <this directory> s3://<bucket> --delete` after
   * `cdk deploy`, with the bucket of the `WebBucketName` output.
   */
  public static readonly SITE_DIRECTORY: string = join(__dirname, '..', 'assets', 'web');

  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;

  public constructor(scope: Construct, id: string, props: WebVaultProps) {
    super(scope, id);
    const logs = new s3.Bucket(this, 'LogBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    acknowledge(logs, 'AwsSolutions-S1', 'this bucket is the access log destination itself');
    acknowledge(
      logs,
      'NIST.800.53.R5-S3BucketLoggingEnabled',
      'this bucket is the access log destination itself',
    );
    for (const target of [logs]) {
      acknowledge(
        target,
        'NIST.800.53.R5-S3BucketReplicationEnabled',
        'access logs are not replicated across regions; they expire after a year',
      );
      acknowledge(
        target,
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
        'S3-managed encryption: CloudFront log delivery cannot write to SSE-KMS buckets',
      );
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: props.removalPolicy,
    });
    acknowledge(
      this.bucket,
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'holds the public web app only, rebuilt from the repository on every deploy',
    );
    acknowledge(
      this.bucket,
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'holds the public web app only (no secrets); S3-managed encryption',
    );

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CORE_MANIFEST.webCsp, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const protection = props.originProtection;
    const viewerIp = protection ? viewerIpFunction(this, 'ViewerIpFunction') : undefined;
    const apiBehavior = (originPath: string): cloudfront.BehaviorOptions => ({
      origin: new origins.RestApiOrigin(props.api, {
        originPath,
        ...(protection
          ? { customHeaders: { [protection.originVerifyHeader]: protection.originVerifyValue } }
          : {}),
      }),
      ...(viewerIp
        ? {
            functionAssociations: [
              { function: viewerIp, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
            ],
          }
        : {}),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      additionalBehaviors: {
        [`/${CORE_MANIFEST.apiStage}/*`]: apiBehavior(''),
        '/.well-known/*': apiBehavior(`/${CORE_MANIFEST.apiStage}`),
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'a credential vault for the whole world; no country is refused by design',
    );
    // Only with the API's web ACL: without it, AwsSolutions-CFR2 stays for the app to acknowledge.
    if (protection)
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR2',
        "the API behind /v1/* has its own regional web ACL, which admits only this distribution's requests; the static files need none",
      );
    // The default *.cloudfront.net certificate allows TLSv1 for viewers (AwsSolutions-CFR4): that
    // finding stays for the app, which accepts it (the distribution has no custom domain).
    new CfnOutput(this, 'WebBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'WebDistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'WebUrl', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
