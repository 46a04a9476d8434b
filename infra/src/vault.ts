import {
  type aws_apigateway as apigw,
  type aws_cloudwatch as cloudwatch,
  type aws_dynamodb as dynamodb,
  type aws_events as events,
  aws_iam as iam,
  type aws_kms as kms,
  type aws_lambda as lambda,
  aws_logs as logs,
  RemovalPolicy,
  type aws_sns as sns,
  type aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { restApi } from './api';
import {
  DYNAMODB_READ_ACTIONS,
  DYNAMODB_SESSION_READ_ACTIONS,
  DYNAMODB_WRITE_ACTIONS,
  METRICS_READ_ACTIONS,
} from './constants';
import { customDomain } from './domain';
import { functionEnvironment, functionRole, type PerFunction, vaultFunctions } from './functions';
import { keyChangeAlarm } from './key-changes';
import { deployerPrincipal, type KeyAdministration, logsKey, vaultKeys } from './keys';
import { stackRemovalPolicy } from './lifecycle';
import type { LogGroupSettings } from './log-groups';
import { alarmsAndDashboard, alarmTopic } from './monitoring';
import { cloudFrontOriginProtection } from './origin-verify';
import { PasswordStrategy, type VaultProps } from './props';
import { webAcl } from './protection';
import type { FunctionRole } from './role';
import { grantSigningKeys, validateSigningKeys } from './signing';
import { grantTable, vaultTables } from './storage';
import { validateProps } from './validate';
import { WebVault } from './web';

export type { VaultApiDomain, VaultApiOptions, VaultProps } from './props';
export { PasswordStrategy } from './props';

/** The Vault's three functions. */
export interface VaultFunctions {
  /** Signup, login, refresh, logout, account changes, the JWKS. */
  readonly auth: lambda.Function;
  /** The secrets API and the health check. */
  readonly secrets: lambda.Function;
  /** The API's TOKEN authorizer. */
  readonly authorizer: lambda.Function;
}

/**
 * A kmsvault deployment: KMS keys with split key policies, the DynamoDB
 * table, the three functions and the REST API built from the route manifest,
 * with alarms and a dashboard.
 *
 * Every part is made by a helper (keys.ts, storage.ts, functions.ts, api.ts,
 * protection.ts, monitoring.ts) directly in this construct's scope, so the
 * construct ids, and the logical ids of the template, are those of one flat construct.
 */
export class Vault extends Construct {
  public readonly vaultKey: kms.Key;
  public readonly passwordKey: kms.Key;
  /** The current signing key: the construct's own, or VaultProps.signingKey. */
  public readonly signingKey: kms.IKey;
  public readonly tableKey: kms.Key;
  /** The key of the vault's log groups (functions, API access logs, WAF logs). */
  public readonly logsKey: kms.Key;
  public readonly table: dynamodb.Table;
  public readonly idempotencyTable: dynamodb.Table;
  public readonly functions: VaultFunctions;
  public readonly api: apigw.RestApi;
  public readonly alarmTopic: sns.ITopic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** The EventBridge rule that sends key policy changes, scheduled deletions and disablings of the keys to the alarm topic. */
  public readonly keyChangeRule: events.Rule;
  public readonly webAcl?: wafv2.CfnWebACL;
  /** The API's custom domain, when `api.domain` is given. */
  public readonly apiDomain?: apigw.DomainName;
  public readonly web?: WebVault;

  private readonly roles: PerFunction<FunctionRole>;

  public constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, id);
    validateProps(props);
    validateSigningKeys(props);
    const strategy = props.passwordStrategy ?? PasswordStrategy.HMAC;
    const removalPolicy = stackRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    const apiOptions = props.api ?? {};

    // ---- roles first: key policies name them --------------------------------
    this.roles = {
      auth: functionRole(this, 'AuthRole'),
      secrets: functionRole(this, 'SecretsRole'),
      authorizer: functionRole(this, 'AuthorizerRole'),
    };

    // ---- keys ---------------------------------------------------------------
    const administration: KeyAdministration = {
      admins: [...(props.keyAdmins ?? [])],
      ...(props.deployerIsKeyAdmin === false ? {} : { deployer: deployerPrincipal(this) }),
      trustRoot: props.trustAccountRoot ?? false,
      removalPolicy,
    };
    const keys = vaultKeys(this, administration, strategy, this.roles, props.signingKey);
    this.vaultKey = keys.vaultKey;
    this.passwordKey = keys.passwordKey;
    this.signingKey = keys.signingKey;
    this.tableKey = keys.tableKey;
    this.logsKey = logsKey(this, administration);
    const logSettings: LogGroupSettings = {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
      encryptionKey: this.logsKey,
    };

    // ---- tables -------------------------------------------------------------
    const tables = vaultTables(this, this.tableKey, props, removalPolicy);
    this.table = tables.table;
    this.idempotencyTable = tables.idempotencyTable;

    // ---- functions ----------------------------------------------------------
    const environment = functionEnvironment(this, props, strategy, keys, this.table, this.idempotencyTable);
    grantSigningKeys(props.signingKey, props.previousSigningKeys ?? [], this.roles);
    this.functions = vaultFunctions(this, this.roles, environment, logSettings);
    grantTable(
      this,
      this.table,
      this.roles.auth,
      [this.table],
      [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS],
    );
    grantTable(this, this.table, this.roles.authorizer, [this.table], [...DYNAMODB_SESSION_READ_ACTIONS]);
    grantTable(
      this,
      this.table,
      this.roles.secrets,
      [this.table, this.idempotencyTable],
      [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS],
    );

    // ---- API ----------------------------------------------------------------
    this.api = restApi(this, this.functions, apiOptions, logSettings);
    if (apiOptions.domain !== undefined) this.apiDomain = customDomain(this, this.api, apiOptions.domain);
    // Behind CloudFront with a web ACL: the API answers only requests that came through CloudFront.
    const originProtection =
      apiOptions.waf === true && props.webVault === true ? cloudFrontOriginProtection() : undefined;
    if (apiOptions.waf === true)
      this.webAcl = webAcl(this, this.api, {
        authRateLimit: apiOptions.authRateLimit ?? 300,
        logs: logSettings,
        ...(originProtection ? { cloudFront: originProtection } : {}),
      });
    if (props.webVault === true)
      this.web = new WebVault(this, 'Web', {
        api: this.api,
        removalPolicy,
        ...(originProtection ? { originProtection } : {}),
      });

    // ---- alarms and dashboard ------------------------------------------------
    this.alarmTopic = alarmTopic(this, props, administration);
    this.dashboard = alarmsAndDashboard(this, this.alarmTopic, {
      api: this.api,
      functions: this.functions,
      table: this.table,
    });
    this.keyChangeRule = keyChangeAlarm(this, this.alarmTopic, [
      this.vaultKey,
      this.passwordKey,
      this.signingKey,
      this.tableKey,
      this.logsKey,
      ...(this.alarmTopic.masterKey ? [this.alarmTopic.masterKey] : []),
    ]);
  }

  /**
   * Lets a principal read the vault's dashboard (`cloudwatch:GetDashboard`
   * on it alone) and metrics. CloudWatch's metric reads (GetMetricData,
   * GetMetricStatistics, ListMetrics) take no resource or namespace
   * condition, so that part is account-wide: the grantee can read every
   * metric of the account in the region, not only the vault's. Give it only
   * to principals that may.
   */
  public grantReadMetrics(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['cloudwatch:GetDashboard'],
      resourceArns: [this.dashboard.dashboardArn],
    }).combine(
      iam.Grant.addToPrincipal({ grantee, actions: [...METRICS_READ_ACTIONS], resourceArns: ['*'] }),
    );
  }
}
