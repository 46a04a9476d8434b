import type {
  aws_certificatemanager as acm,
  Duration,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  RemovalPolicy,
  aws_route53 as route53,
  aws_sns as sns,
} from 'aws-cdk-lib';

/**
 * How login password hashes are protected (VaultProps.passwordStrategy).
 * The values are the strings the functions read (`PASSWORD_STRATEGY`), so
 * JavaScript callers may pass `'rsa'` or `'hmac'` as they are.
 */
export enum PasswordStrategy {
  /** RSA_3072 key: KMS Decrypt checks a password, plus a user-key Decrypt to authenticate the record. */
  RSA = 'rsa',
  /** HMAC_256 key: one VerifyMac checks the password and authenticates the record. */
  HMAC = 'hmac',
}

/** A custom domain for the REST API. */
export interface VaultApiDomain {
  /** The host name, for example `vault-api.example.com`. */
  readonly domainName: string;
  /**
   * An ACM certificate for the host name, in the stack's region (the API's
   * endpoint is regional, so a certificate in us-east-1 serves only a stack
   * there).
   */
  readonly certificate: acm.ICertificate;
  /**
   * The hosted zone of the host name: given, the Vault adds the alias A record
   * that points the name at the API; left out, point it yourself at the
   * domain name's regional target (`vault.apiDomain.domainNameAliasDomainName`).
   * @default - no DNS record
   */
  readonly hostedZone?: route53.IHostedZone;
}

/** API Gateway settings of the vault's REST API. */
export interface VaultApiOptions {
  /**
   * Steady-state requests per second for the stage.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests for the stage.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Attach a WAFv2 web ACL: AWS managed rules and a rate-based rule on `/v1/auth/*`.
   * @default false
   */
  readonly waf?: boolean;
  /**
   * Requests per 5 minutes per client address on `/v1/auth/*` before WAF blocks.
   * @default 300
   */
  readonly authRateLimit?: number;
  /**
   * Origins allowed by CORS (https only); none means no CORS preflight is answered.
   * @default []
   */
  readonly corsOrigins?: string[];
  /**
   * Make the account-wide API Gateway CloudWatch role here: an IAM role and
   * the `AWS::ApiGateway::Account` resource that sets it as the account's
   * "CloudWatch log role ARN" for the region. API Gateway has one such
   * setting per account and region, shared by every API there: a stack that
   * owns it can break logging for all of them (deleting the stack leaves the
   * setting naming a deleted role; two stacks that set it overwrite each
   * other). Off, the account must have the role set before the deploy (once
   * per region, for example by a bootstrap stack or `aws apigateway
   * update-account`), because API Gateway refuses a stage with access or
   * execution logging without it. Turn on only in a stack that is the
   * one owner of that setting.
   * @default false
   */
  readonly manageAccountCloudWatchRole?: boolean;
  /**
   * Serve the API under a custom domain too: `https://{domainName}/v1/...`
   * (base path `v1` mapped to the `v1` stage, the layout every client uses).
   * Not with `waf` and `webVault` both on: then the API answers only
   * requests that came through CloudFront, so a domain on the API itself
   * would only answer 403.
   * @default - the execute-api URL (and CloudFront's, with the web vault)
   */
  readonly domain?: VaultApiDomain;
  /**
   * The stage name, which is the API version: the route manifest's paths
   * are `/v1/...`, served as stage `v1` plus the resource path. Only `'v1'`
   * is accepted.
   * @default 'v1'
   * @deprecated the stage is always the API version, `v1`; leave it out.
   */
  readonly stageName?: string;
}

export interface VaultProps {
  /**
   * Principals that administer the keys, besides the deployer (see
   * deployerIsKeyAdmin): management actions only, never cryptographic ones.
   * Each must exist when the stack deploys, or KMS refuses the key policy.
   * A principal whose ARNs are a CloudFormation list (for example
   * `{AWS: new CfnParameter(..., {type: 'CommaDelimitedList'}).valueAsList}`)
   * must be the only one in this list.
   * @default [] - only the deployer
   */
  readonly keyAdmins?: iam.IPrincipal[];
  /**
   * Make the stack synthesizer's CloudFormation execution role (the role
   * that creates the keys: `cdk-<qualifier>-cfn-exec-role-...` under the
   * DefaultStackSynthesizer) a key administrator, in its own statement. KMS
   * refuses a key policy that would lock its creator out of
   * kms:PutKeyPolicy, and DynamoDB creates its grant on the table key as
   * that role, so turn this off only when keyAdmins names the deploying
   * principal. Off requires a non-empty keyAdmins.
   * @default true
   */
  readonly deployerIsKeyAdmin?: boolean;
  /**
   * Add the account root statement (`kms:*` for the account) to every key
   * policy. On: IAM policies in the account can grant key use, and the key
   * cannot be orphaned if every admin role is deleted. Off: only the
   * principals named in the key policy can use or manage the key, so a
   * broad IAM policy elsewhere in the account cannot reach secrets; the cost
   * is that losing every key admin needs AWS Support to recover.
   * @default false
   */
  readonly trustAccountRoot?: boolean;
  /**
   * How login password hashes are protected: `rsa` (RSA_3072 key; KMS
   * Decrypt checks a password, plus a user-key Decrypt to authenticate the
   * record) or `hmac` (HMAC_256 key; one VerifyMac checks the password and
   * authenticates the record).
   * @default PasswordStrategy.HMAC
   */
  readonly passwordStrategy?: PasswordStrategy;
  /**
   * How long an unwrapped user key is reused in a function; zero means one
   * KMS Decrypt per request (every read in CloudTrail). At most one hour.
   * @default Duration.minutes(5)
   */
  readonly keyCacheMaxAge?: Duration;
  /**
   * Previous versions kept per secret, 0 to 100.
   * @default 10
   */
  readonly historyDepth?: number;
  /**
   * How long deleted secrets stay in the trash, 1 to 365 days.
   * @default Duration.days(30)
   */
  readonly trashRetention?: Duration;
  /**
   * The key that signs access tokens (ES256): ECC_NIST_P256, SIGN_VERIFY.
   * The construct lets the auth role sign with it and the auth and
   * authorizer roles read its public key, through `key.grant`: a `VaultKey`
   * takes the grant into its key policy, a `kms.Key` of the app whose policy
   * trusts the account gets it in the roles' identity policies, and an
   * imported key's policy must already name the function roles or delegate
   * to IAM (an account-root statement). Give one to rotate: see
   * previousSigningKeys.
   * @default - the construct makes one (`SigningKey`)
   */
  readonly signingKey?: kms.IKey;
  /**
   * Earlier signing keys whose tokens must still verify during a rotation;
   * the JWKS lists them after the current key, and the auth and authorizer
   * roles get kms:GetPublicKey on them (granted as for signingKey, so an
   * imported key's own policy must allow it). KMS does not rotate
   * asymmetric keys; rotating is three deploys: (1) make the new key;
   * (2) deploy with `signingKey` the new key and the old one here;
   * (3) after one access-token lifetime (15 min), deploy without the old one.
   * @default []
   */
  readonly previousSigningKeys?: kms.IKey[];
  /** @default - the defaults of VaultApiOptions */
  readonly api?: VaultApiOptions;
  /**
   * Deploy the web vault: a private S3 bucket behind CloudFront (origin
   * access control, HTTPS only, security headers) with the API under the
   * same origin. The deploy workflow uploads the files.
   * @default false
   */
  readonly webVault?: boolean;
  /**
   * What happens to the keys, tables, log groups and buckets when the stack
   * is deleted or a resource replaced. RETAIN is applied as
   * RETAIN_ON_UPDATE_OR_DELETE (`DeletionPolicy: RetainExceptOnCreate`):
   * kept on delete and replacement, but removed when the create that made
   * them rolls back, so a failed first deploy can simply be retried.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Point-in-time recovery of the table.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Deletion protection of the table.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Retention of function and access logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * An address to mail alarms to (a new topic is made); exclusive with alarmTopic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * An existing topic for alarms; exclusive with alarmEmail.
   * @default - a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
}
