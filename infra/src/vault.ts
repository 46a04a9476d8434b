import { join } from 'node:path';
import {
  DEFAULTS,
  DEPENDENCY_EVENT,
  type FunctionName,
  IDEMPOTENCY_TABLE,
  INTEGRITY_EVENT,
  ROUTES,
  type RouteDefinition,
  VAULT_TABLE,
} from '@kmsvault/core';
import {
  ArnFormat,
  Aws,
  aws_apigateway as apigw,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  Duration,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  Names,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Stack,
  aws_sns as sns,
  aws_sns_subscriptions as subs,
  Token,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as z from 'zod';
import {
  DYNAMODB_READ_ACTIONS,
  DYNAMODB_SESSION_READ_ACTIONS,
  DYNAMODB_WRITE_ACTIONS,
  KMS_ADMIN_ACTIONS,
  LOG_ACTIONS,
  METRICS_READ_ACTIONS,
  PASSWORD_KEY_HMAC_ACTIONS,
  PASSWORD_KEY_RSA_ACTIONS,
  SIGNING_KEY_SIGN_ACTIONS,
  SIGNING_KEY_VERIFY_ACTIONS,
  TABLE_KEY_CREATOR_ACTIONS,
  TABLE_KEY_USER_ACTIONS,
  VAULT_KEY_AUTH_ACTIONS,
  VAULT_KEY_HEALTH_ACTIONS,
  VAULT_KEY_SECRETS_ACTIONS,
  VAULT_KEY_SERVICE_KEY_ACTIONS,
  XRAY_ACTIONS,
} from './constants';
import { acknowledge } from './nag';
import { WebVault } from './web';

export type PasswordStrategy = 'rsa' | 'hmac';

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
  readonly corsOrigins?: readonly string[];
  /**
   * The stage name.
   * @default 'v1'
   */
  readonly stageName?: string;
}

export interface VaultProps {
  /**
   * Principals that administer the keys: management actions only, never
   * cryptographic ones. Must include the principal that deploys the stack
   * (for example the CDK cfn-exec role), or KMS refuses the key policy.
   */
  readonly keyAdmins: readonly iam.IPrincipal[];
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
   * @default 'hmac'
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
   * Earlier signing keys whose tokens must still verify during a signing key
   * rotation; the JWKS lists them after the current key. Asymmetric keys do
   * not rotate in KMS: rotating means a new key here, the old one listed for
   * one access-token lifetime (15 min), then removed.
   * @default []
   */
  readonly previousSigningKeys?: readonly kms.IKey[];
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
   * What happens to the table and keys when the stack is deleted.
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

const ROOT = join(__dirname, '..', '..');

/**
 * A kmsvault deployment: KMS keys with split key policies, the DynamoDB
 * table, the three functions and the REST API built from the route manifest,
 * with alarms and a dashboard.
 */
export class Vault extends Construct {
  public readonly vaultKey: kms.Key;
  public readonly passwordKey: kms.Key;
  public readonly signingKey: kms.Key;
  public readonly tableKey: kms.Key;
  public readonly table: dynamodb.Table;
  public readonly idempotencyTable: dynamodb.Table;
  public readonly functions: Readonly<Record<FunctionName | 'authorizer', nodejs.NodejsFunction>>;
  public readonly api: apigw.RestApi;
  public readonly alarmTopic: sns.ITopic;
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly webAcl?: wafv2.CfnWebACL;
  public readonly web?: WebVault;

  private readonly roles: Record<FunctionName | 'authorizer', iam.Role>;
  private readonly logRetention: logs.RetentionDays;
  private readonly removalPolicy: RemovalPolicy;

  public constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, id);
    validateProps(props);
    const strategy = props.passwordStrategy ?? 'hmac';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.removalPolicy = removalPolicy;
    this.logRetention = logRetention;
    const apiOptions = props.api ?? {};

    // ---- roles first: key policies name them --------------------------------
    this.roles = {
      auth: this.functionRole('AuthRole'),
      secrets: this.functionRole('SecretsRole'),
      authorizer: this.functionRole('AuthorizerRole'),
    };

    // ---- keys ---------------------------------------------------------------
    const admins = [...props.keyAdmins];
    const trustRoot = props.trustAccountRoot ?? false;
    this.vaultKey = this.key(
      'VaultKey',
      'kmsvault vault key: wraps per-user keys',
      admins,
      trustRoot,
      removalPolicy,
      {
        keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
        enableKeyRotation: true,
      },
    );
    this.passwordKey = this.key(
      'PasswordKey',
      `kmsvault password key (${strategy}): protects login password hashes`,
      admins,
      trustRoot,
      removalPolicy,
      strategy === 'rsa'
        ? { keySpec: kms.KeySpec.RSA_3072, keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT }
        : { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC },
    );
    this.signingKey = this.key(
      'SigningKey',
      'kmsvault signing key: signs access tokens (ES256)',
      admins,
      trustRoot,
      removalPolicy,
      {
        keySpec: kms.KeySpec.ECC_NIST_P256,
        keyUsage: kms.KeyUsage.SIGN_VERIFY,
      },
    );
    this.tableKey = this.key(
      'TableKey',
      'kmsvault table key: the DynamoDB table at rest',
      admins,
      trustRoot,
      removalPolicy,
      {
        keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
        enableKeyRotation: true,
      },
    );

    const userKeyContext = { StringEquals: { 'kms:EncryptionContext:purpose': 'user-key' } };
    this.allow(
      this.vaultKey,
      'AuthGeneratesUserKeys',
      this.roles.auth,
      VAULT_KEY_AUTH_ACTIONS,
      userKeyContext,
    );
    this.allow(this.vaultKey, 'AuthUsesServiceKeys', this.roles.auth, VAULT_KEY_SERVICE_KEY_ACTIONS, {
      StringEquals: { 'kms:EncryptionContext:purpose': 'service-key' },
    });
    this.allow(
      this.vaultKey,
      'SecretsUnwrapsUserKeys',
      this.roles.secrets,
      VAULT_KEY_SECRETS_ACTIONS,
      userKeyContext,
    );
    this.allow(this.vaultKey, 'SecretsDescribesForHealth', this.roles.secrets, VAULT_KEY_HEALTH_ACTIONS);
    if (strategy === 'rsa') {
      this.allow(this.passwordKey, 'AuthChecksPasswords', this.roles.auth, PASSWORD_KEY_RSA_ACTIONS);
    } else {
      this.allow(this.passwordKey, 'AuthChecksPasswords', this.roles.auth, PASSWORD_KEY_HMAC_ACTIONS, {
        StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' },
      });
    }
    this.allow(this.signingKey, 'AuthSignsTokens', this.roles.auth, SIGNING_KEY_SIGN_ACTIONS);
    this.allow(
      this.signingKey,
      'AuthorizerReadsPublicKey',
      this.roles.authorizer,
      SIGNING_KEY_VERIFY_ACTIONS,
    );
    const viaDynamoDb = {
      StringEquals: {
        'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com`,
        'kms:CallerAccount': Aws.ACCOUNT_ID,
      },
    };
    for (const [name, role] of [
      ['Auth', this.roles.auth],
      ['Secrets', this.roles.secrets],
    ] as const) {
      this.allow(this.tableKey, `${name}UsesTableThroughDynamoDb`, role, TABLE_KEY_USER_ACTIONS, viaDynamoDb);
    }
    this.tableKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AdminsLetDynamoDbCreateGrants',
        principals: admins,
        actions: [...TABLE_KEY_CREATOR_ACTIONS],
        resources: ['*'],
        conditions: { ...viaDynamoDb, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );

    // ---- tables -------------------------------------------------------------
    // What both tables share: on demand, the table key, PITR, deletion protection.
    const tableSettings = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    };
    this.table = new dynamodb.Table(this, 'Table', {
      ...tableSettings,
      partitionKey: { name: VAULT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: VAULT_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: VAULT_TABLE.ttlAttribute,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: VAULT_TABLE.beaconIndex,
      partitionKey: { name: VAULT_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: VAULT_TABLE.beaconAttribute, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    acknowledge(
      this.table,
      'NIST.800.53.R5-DynamoDBInBackupPlan',
      "point-in-time recovery (35 days) is on; an AWS Backup plan is the account owner's choice",
    );
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      ...tableSettings,
      partitionKey: { name: IDEMPOTENCY_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.ttlAttribute,
    });

    acknowledge(
      this.idempotencyTable,
      'NIST.800.53.R5-DynamoDBInBackupPlan',
      'holds 24-hour idempotency records only; nothing to restore',
    );

    // ---- functions ----------------------------------------------------------
    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      IDEMPOTENCY_TABLE_NAME: this.idempotencyTable.tableName,
      VAULT_KEY_ID: this.vaultKey.keyArn,
      PASSWORD_KEY_ID: this.passwordKey.keyArn,
      SIGNING_KEY_ID: this.signingKey.keyArn,
      PREVIOUS_SIGNING_KEY_IDS: (props.previousSigningKeys ?? []).map((k) => k.keyArn).join(','),
      PASSWORD_STRATEGY: strategy,
      KEY_CACHE_MAX_AGE_SECONDS: String((props.keyCacheMaxAge ?? Duration.minutes(5)).toSeconds()),
      HISTORY_DEPTH: String(props.historyDepth ?? DEFAULTS.historyDepth),
      TRASH_RETENTION_DAYS: String(
        (props.trashRetention ?? Duration.days(DEFAULTS.trashRetentionDays)).toDays(),
      ),
      TOKEN_ISSUER: `kmsvault-${Stack.of(this).stackName}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const previous of props.previousSigningKeys ?? []) {
      previous.grant(this.roles.auth, ...SIGNING_KEY_VERIFY_ACTIONS);
      previous.grant(this.roles.authorizer, ...SIGNING_KEY_VERIFY_ACTIONS);
    }
    this.functions = {
      // scrypt N=2^17, r=8 needs 128 MiB for itself and CPU: 1 GiB gives a full vCPU share on arm64.
      auth: this.fn(
        'AuthFunction',
        'lambda-auth',
        this.roles.auth,
        environment,
        logRetention,
        removalPolicy,
        1024,
        10,
      ),
      secrets: this.fn(
        'SecretsFunction',
        'lambda-secrets',
        this.roles.secrets,
        environment,
        logRetention,
        removalPolicy,
        512,
        10,
      ),
      authorizer: this.fn(
        'AuthorizerFunction',
        'lambda-authorizer',
        this.roles.authorizer,
        environment,
        logRetention,
        removalPolicy,
        256,
        5,
      ),
    };
    this.grantTable(this.roles.auth, [this.table], [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS]);
    this.grantTable(this.roles.authorizer, [this.table], [...DYNAMODB_SESSION_READ_ACTIONS]);
    this.grantTable(
      this.roles.secrets,
      [this.table, this.idempotencyTable],
      [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS],
    );

    // ---- API ----------------------------------------------------------------
    this.api = this.restApi(apiOptions, logRetention, removalPolicy);
    if (apiOptions.waf === true) this.webAcl = this.waf(apiOptions.authRateLimit ?? 300);
    if (props.webVault === true) this.web = new WebVault(this, 'Web', { api: this.api, removalPolicy });

    // ---- alarms and dashboard ------------------------------------------------
    if (props.alarmTopic !== undefined) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const topic = new sns.Topic(this, 'AlarmTopic', {
        displayName: 'kmsvault alarms',
        enforceSSL: true,
        masterKey: this.alarmKey(admins, trustRoot, removalPolicy),
      });
      if (props.alarmEmail !== undefined) {
        topic.addSubscription(new subs.EmailSubscription(props.alarmEmail));
        const subscription = topic.node.findChild(props.alarmEmail).node.defaultChild;
        if (subscription)
          acknowledge(
            subscription,
            'Serverless-SNSRedrivePolicy',
            "an email subscription for alarms; failed deliveries show in the topic's NumberOfNotificationsFailed metric",
          );
      }
      this.alarmTopic = topic;
    }
    this.dashboard = this.alarmsAndDashboard();
  }

  /** Lets a principal call the API (execute-api:Invoke on every route of the stage). */
  public grantInvokeApi(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi('*', '/*', this.api.deploymentStage.stageName)],
    });
  }

  /** Lets a principal read the vault's metrics (dashboards elsewhere, monitoring tools). */
  public grantReadMetrics(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [...METRICS_READ_ACTIONS], resourceArns: ['*'] });
  }

  // ---- internals ---------------------------------------------------------------

  private functionRole(id: string): iam.Role {
    return new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }

  private key(
    id: string,
    description: string,
    admins: iam.IPrincipal[],
    trustRoot: boolean,
    removalPolicy: RemovalPolicy,
    spec: Pick<kms.KeyProps, 'keySpec' | 'keyUsage' | 'enableKeyRotation'>,
  ): kms.Key {
    const statements = [
      new iam.PolicyStatement({
        sid: 'KeyAdministration',
        principals: admins,
        actions: [...KMS_ADMIN_ACTIONS],
        resources: ['*'],
      }),
    ];
    if (trustRoot) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AccountRoot',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:*'],
          resources: ['*'],
        }),
      );
    }
    return new kms.Key(this, id, {
      description,
      policy: new iam.PolicyDocument({ statements }),
      removalPolicy,
      pendingWindow: Duration.days(30),
      ...spec,
    });
  }

  private allow(
    key: kms.Key,
    sid: string,
    role: iam.IRole,
    actions: readonly string[],
    conditions?: Record<string, unknown>,
  ): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [role],
        actions: [...actions],
        resources: ['*'],
        ...(conditions ? { conditions } : {}),
      }),
    );
  }

  private alarmKey(admins: iam.IPrincipal[], trustRoot: boolean, removalPolicy: RemovalPolicy): kms.Key {
    const key = this.key('AlarmTopicKey', 'kmsvault alarm topic key', admins, trustRoot, removalPolicy, {
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    return key;
  }

  private fn(
    id: string,
    pkg: string,
    role: iam.Role,
    environment: Record<string, string>,
    retention: logs.RetentionDays,
    removalPolicy: RemovalPolicy,
    memorySize: number,
    timeoutSeconds: number,
  ): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention, removalPolicy });
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: join(ROOT, 'packages', pkg, 'src', 'lambda.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'pnpm-lock.yaml'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize,
      timeout: Duration.seconds(timeoutSeconds),
      // CDK would otherwise add an inline policy for X-Ray; the managed policy below has it.
      role: role.withoutPolicyUpdates() as iam.Role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: `kmsvault-${pkg.replace('lambda-', '')}` },
      bundling: {
        minify: true,
        sourceMap: false,
        target: 'node24',
        format: nodejs.OutputFormat.CJS,
        forceDockerBundling: false,
      },
    });
    const policy = new iam.ManagedPolicy(this, `${id}Policy`, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: [...LOG_ACTIONS],
          resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
        }),
        new iam.PolicyStatement({ actions: [...XRAY_ACTIONS], resources: ['*'] }),
      ],
    });
    const logStreams = `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`;
    acknowledge(
      policy,
      logStreams,
      "log streams of this function's own log group; stream names are made by Lambda at run time",
    );
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      'xray:PutTraceSegments and PutTelemetryRecords support no resource-level permissions',
    );
    for (const rule of ['Serverless-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ']) {
      acknowledge(
        fn,
        rule,
        'invoked synchronously by API Gateway only; a DLQ applies to asynchronous invocations',
      );
    }
    acknowledge(
      fn,
      'NIST.800.53.R5-LambdaInsideVPC',
      'reaches only KMS and DynamoDB public endpoints over TLS with SigV4; no private resources to reach',
    );
    acknowledge(
      fn,
      'NIST.800.53.R5-LambdaConcurrency',
      'bounded by the API stage throttling; reserved concurrency would starve accounts with a low concurrency quota',
    );
    acknowledge(
      logGroup,
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'CloudWatch Logs encrypts at rest; the functions log no secret, password or token (tests scan the logs)',
    );
    return fn;
  }

  private grantTable(role: iam.Role, tables: dynamodb.Table[], actions: string[]): void {
    new iam.ManagedPolicy(this, `${role.node.id}TablePolicy`, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions,
          resources: tables.flatMap((t) =>
            t === this.table ? [t.tableArn, `${t.tableArn}/index/${VAULT_TABLE.beaconIndex}`] : [t.tableArn],
          ),
        }),
      ],
    });
  }

  /** The REST API, from the route manifest: resources, methods, models, validators, the authorizer. */
  private restApi(
    options: VaultApiOptions,
    retention: logs.RetentionDays,
    removalPolicy: RemovalPolicy,
  ): apigw.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention, removalPolicy });
    const corsOrigins = [...(options.corsOrigins ?? [])];
    const api = new apigw.RestApi(this, 'Api', {
      description: 'kmsvault API',
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: removalPolicy,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      deployOptions: {
        stageName: options.stageName ?? 'v1',
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        loggingLevel: apigw.MethodLoggingLevel.INFO,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: options.throttlingRateLimit ?? 50,
        throttlingBurstLimit: options.throttlingBurstLimit ?? 100,
      },
      ...(corsOrigins.length > 0
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: corsOrigins,
              allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
              exposeHeaders: ['ETag', 'Retry-After'],
            } as apigw.CorsOptions,
          }
        : {}),
    });
    for (const [type, status, code] of [
      [apigw.ResponseType.UNAUTHORIZED, '401', 'unauthorized'],
      [apigw.ResponseType.ACCESS_DENIED, '403', 'forbidden'],
      [apigw.ResponseType.BAD_REQUEST_BODY, '400', 'validation_failed'],
      [apigw.ResponseType.REQUEST_TOO_LARGE, '413', 'payload_too_large'],
      [apigw.ResponseType.THROTTLED, '429', 'too_many_requests'],
      [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'not_found'],
      [apigw.ResponseType.AUTHORIZER_FAILURE, '503', 'service_unavailable'],
      [apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, '503', 'service_unavailable'],
      [apigw.ResponseType.INTEGRATION_TIMEOUT, '503', 'service_unavailable'],
      [apigw.ResponseType.DEFAULT_5XX, undefined, 'service_unavailable'],
    ] as const) {
      api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        ...(status ? { statusCode: status } : {}),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          ...(code === 'service_unavailable' ? { 'Retry-After': "'1'" } : {}),
        },
        templates: {
          'application/json': `{"type":"https://kmsvault.dev/problems/${code}","title":"$context.error.responseType","status":${status ?? '$context.error.statusCode'},"detail":$context.error.messageString,"code":"${code}","instance":"urn:request:$context.requestId"}`,
        },
      });
    }
    acknowledge(
      accessLogs,
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'CloudWatch Logs encrypts at rest; access logs hold no caller identity or body',
    );
    const cloudWatchRole = api.node.findChild('CloudWatchRole');
    acknowledge(
      cloudWatchRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'the account-level API Gateway logging role; AWS documents this managed policy for it',
    );
    const stage = api.deploymentStage;
    acknowledge(
      stage,
      'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
      'responses carry decrypted secrets per caller; caching them would be wrong',
    );
    acknowledge(
      stage,
      'NIST.800.53.R5-APIGWSSLEnabled',
      'the backend is Lambda, not an HTTP endpoint that a client certificate would authenticate to',
    );
    if (options.waf !== true) {
      acknowledge(
        stage,
        'AwsSolutions-APIG3',
        'WAF is off by configuration (api.waf=false) in this environment; staging and prod turn it on',
      );
      acknowledge(
        stage,
        'NIST.800.53.R5-APIGWAssociatedWithWAF',
        'WAF is off by configuration (api.waf=false) in this environment',
      );
    }
    const authorizer = new apigw.TokenAuthorizer(this, 'Authorizer', {
      handler: this.functions.authorizer,
      identitySource: apigw.IdentitySource.header('Authorization'),
      // Off: a cached policy outlives logout and the token's exp. The authorizer checks the
      // session itself (one GetItem per session, reused for at most 10 s in the function).
      resultsCacheTtl: Duration.seconds(0),
    });
    const validator = new apigw.RequestValidator(this, 'BodyValidator', {
      restApi: api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integrations: Record<FunctionName, apigw.LambdaIntegration> = {
      auth: new apigw.LambdaIntegration(this.functions.auth),
      secrets: new apigw.LambdaIntegration(this.functions.secrets),
    };
    for (const route of ROUTES) {
      const resource = api.root.resourceForPath(route.path);
      const method = resource.addMethod(route.method, integrations[route.function], {
        operationName: route.operationId,
        ...(route.auth === 'bearer'
          ? { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM }
          : { authorizationType: apigw.AuthorizationType.NONE }),
        ...(route.body
          ? { requestValidator: validator, requestModels: { 'application/json': this.model(api, route) } }
          : {}),
        ...(route.headers?.some((h) => h.required)
          ? {
              requestParameters: Object.fromEntries(
                route.headers
                  .filter((h) => h.required && h.name === 'Idempotency-Key')
                  .map((h) => [`method.request.header.${h.name}`, true]),
              ),
            }
          : {}),
      });
      if (route.auth === 'none') {
        acknowledge(
          method,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design (${route.summary})`,
        );
        acknowledge(method, 'AwsSolutions-COG4', `${route.method} ${route.path} is public by design`);
      } else {
        acknowledge(
          method,
          'AwsSolutions-COG4',
          'authorised by the kmsvault Lambda authorizer (KMS-signed ES256 JWTs), not Cognito',
        );
      }
    }
    return api;
  }

  private model(api: apigw.RestApi, route: RouteDefinition): apigw.Model {
    const schema = z.toJSONSchema(route.body as z.ZodType, {
      target: 'draft-04',
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    const { $schema: _s, ...rest } = schema;
    return new apigw.Model(this, `${route.operationId}Model`, {
      restApi: api,
      contentType: 'application/json',
      modelName: `${route.operationId}Request`,
      schema: { schema: apigw.JsonSchemaVersion.DRAFT4, ...rest } as apigw.JsonSchema,
    });
  }

  private waf(authRateLimit: number): wafv2.CfnWebACL {
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: name },
    });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
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
                  searchString: '/v1/auth/',
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
    // WAF logs go to a log group whose name WAF requires to start with aws-waf-logs-.
    const wafLogs = new logs.LogGroup(this, 'WebAclLogs', {
      logGroupName: `aws-waf-logs-kmsvault-${Names.uniqueResourceName(this, { maxLength: 40 })}`,
      retention: this.logRetention,
      removalPolicy: this.removalPolicy,
    });
    acknowledge(
      wafLogs,
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'CloudWatch Logs encrypts at rest; WAF logs hold request metadata, and the Authorization header is redacted',
    );
    new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: wafLogs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: acl.attrArn,
    });
    return acl;
  }

  private alarmsAndDashboard(): cloudwatch.Dashboard {
    const action = new cwActions.SnsAction(this.alarmTopic);
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      return a;
    };
    const period = Duration.minutes(5);
    const alarms = [
      alarm('Api5xxAlarm', this.api.metricServerError({ period, statistic: 'Sum' }), 'The API answered 5xx.'),
    ];
    for (const [name, fn] of Object.entries(this.functions)) {
      alarms.push(alarm(`${name}ErrorsAlarm`, fn.metricErrors({ period }), `The ${name} function failed.`));
      alarms.push(
        alarm(`${name}ThrottlesAlarm`, fn.metricThrottles({ period }), `The ${name} function was throttled.`),
      );
    }
    alarms.push(
      alarm(
        'TableThrottlesAlarm',
        new cloudwatch.MathExpression({
          expression: 'r + w',
          usingMetrics: {
            r: this.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
            w: this.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
          },
          period,
        }),
        'DynamoDB throttled the vault table.',
      ),
    );
    // KMS publishes no per-caller failure metric: the functions log every
    // failed or throttled dependency call ("dependency unavailable"), counted here.
    const dependencyFailures = this.logEventMetric('DependencyFailures', DEPENDENCY_EVENT, period);
    alarms.push(
      alarm('DependencyFailuresAlarm', dependencyFailures, 'KMS or DynamoDB calls failed or were throttled.'),
    );
    // A stored item that fails verification was tampered with, forged or rolled
    // back: a security event. The functions log it as `integrity_error`
    // (user id, item, route; never a value), counted here; one is an alarm.
    const integrityErrors = this.logEventMetric('IntegrityErrors', INTEGRITY_EVENT, period);
    alarms.push(
      alarm(
        'IntegrityErrorsAlarm',
        integrityErrors,
        'A stored item failed its integrity check (tampering, forgery or rollback): see the integrity_error log events.',
      ),
    );

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [
          this.api.metricCount({ period }),
          this.api.metricClientError({ period }),
          this.api.metricServerError({ period }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (p50, p99)',
        left: [
          this.api.metricLatency({ period, statistic: 'p50' }),
          this.api.metricLatency({ period, statistic: 'p99' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        left: Object.values(this.functions).flatMap((f) => [
          f.metricErrors({ period }),
          f.metricThrottles({ period }),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: 'Dependency failures (KMS, DynamoDB)',
        left: [dependencyFailures],
      }),
      new cloudwatch.GraphWidget({
        title: 'Integrity errors (security events)',
        left: [integrityErrors],
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms }),
    );
    return dashboard;
  }

  /**
   * A metric counting the log lines with one message in every function's log
   * group (a metric filter per group, `kmsvault` namespace), summed per period.
   * A metric filter rather than embedded metric format: the functions only log
   * the event, need no metrics library or namespace setting, and the count
   * cannot drift from the log line it is made from.
   */
  private logEventMetric(metricName: string, message: string, period: Duration): cloudwatch.Metric {
    for (const [name, fn] of Object.entries(this.functions)) {
      new logs.MetricFilter(this, `${name}${metricName}`, {
        logGroup: fn.logGroup,
        metricNamespace: 'kmsvault',
        metricName,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
        metricValue: '1',
      });
    }
    return new cloudwatch.Metric({ namespace: 'kmsvault', metricName, period, statistic: 'Sum' });
  }
}

function validateProps(props: VaultProps): void {
  const fail = (prop: string, value: unknown, allowed: string) => {
    throw new Error(`invalid Vault prop ${prop}: got ${JSON.stringify(value)}; ${allowed}`);
  };
  if (props.keyAdmins.length === 0)
    fail('keyAdmins', [], 'give at least one principal that administers the keys');
  const strategy = props.passwordStrategy;
  if (strategy !== undefined && strategy !== 'rsa' && strategy !== 'hmac')
    fail('passwordStrategy', strategy, "allowed: 'rsa' or 'hmac'");
  const depth = props.historyDepth;
  if (
    depth !== undefined &&
    !Token.isUnresolved(depth) &&
    (!Number.isInteger(depth) || depth < 0 || depth > 100)
  ) {
    fail('historyDepth', depth, 'allowed: a whole number from 0 to 100');
  }
  const cache = props.keyCacheMaxAge;
  if (
    cache !== undefined &&
    !Token.isUnresolved(cache.toSeconds({ integral: false })) &&
    (cache.toSeconds({ integral: false }) < 0 || cache.toSeconds({ integral: false }) > 3600)
  ) {
    fail('keyCacheMaxAge', cache.toHumanString(), 'allowed: 0 to 1 hour');
  }
  const trash = props.trashRetention;
  if (
    trash !== undefined &&
    (trash.toDays({ integral: false }) < 1 ||
      trash.toDays({ integral: false }) > 365 ||
      !Number.isInteger(trash.toDays({ integral: false })))
  ) {
    fail('trashRetention', trash.toHumanString(), 'allowed: a whole number of days from 1 to 365');
  }
  const api = props.api ?? {};
  for (const [name, value] of [
    ['api.throttlingRateLimit', api.throttlingRateLimit],
    ['api.throttlingBurstLimit', api.throttlingBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 10_000))
      fail(name, value, 'allowed: a whole number from 1 to 10000');
  }
  if (
    api.authRateLimit !== undefined &&
    (!Number.isInteger(api.authRateLimit) || api.authRateLimit < 100 || api.authRateLimit > 2_000_000_000)
  ) {
    fail('api.authRateLimit', api.authRateLimit, 'allowed: a whole number of at least 100 (the WAF minimum)');
  }
  if (api.stageName !== undefined && !/^[A-Za-z0-9_]{1,128}$/.test(api.stageName))
    fail('api.stageName', api.stageName, 'allowed: letters, digits and _');
  for (const origin of api.corsOrigins ?? []) {
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin))
      fail('api.corsOrigins', origin, 'allowed: https origins such as https://vault.example.com');
  }
  if (props.alarmEmail !== undefined && props.alarmTopic !== undefined)
    fail('alarmEmail', props.alarmEmail, 'give alarmEmail or alarmTopic, not both');
  if (
    props.alarmEmail !== undefined &&
    !Token.isUnresolved(props.alarmEmail) &&
    !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)
  ) {
    fail('alarmEmail', props.alarmEmail, 'allowed: an email address');
  }
}
