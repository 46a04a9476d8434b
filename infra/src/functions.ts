import { join } from 'node:path';
import {
  Duration,
  type aws_dynamodb as dynamodb,
  aws_iam as iam,
  aws_lambda as lambda,
  type aws_logs as logs,
  Stack,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LOG_ACTIONS, XRAY_ACTIONS } from './constants';
import { CORE_MANIFEST } from './core-manifest';
import type { FunctionName } from './core-manifest-types';
import type { VaultKeys } from './keys';
import { type LogGroupSettings, vaultLogGroup } from './log-groups';
import { acknowledge } from './nag';
import type { PasswordStrategy, VaultProps } from './props';
import { FunctionRole } from './role';

/**
 * The functions' code, bundled once by the package's build
 * (scripts/bundle-functions.ts) into `assets/<name>/index.js` and shipped in
 * the package: the app deploys these files as they are, with no bundling at
 * synth.
 */
const ASSETS_DIR = join(__dirname, '..', 'assets');

/** The auth, secrets and authorizer functions (or their roles). */
export type PerFunction<T> = Record<FunctionName | 'authorizer', T>;

/** A role Lambda can assume, in `scope`, that takes later grants (see FunctionRole). */
export function functionRole(scope: Construct, id: string): FunctionRole {
  return new FunctionRole(scope, id);
}

/** The environment every function gets: table, keys and the vault's settings. */
export function functionEnvironment(
  scope: Construct,
  props: VaultProps,
  strategy: PasswordStrategy,
  keys: VaultKeys,
  table: dynamodb.Table,
  idempotencyTable: dynamodb.Table,
): Record<string, string> {
  return {
    TABLE_NAME: table.tableName,
    IDEMPOTENCY_TABLE_NAME: idempotencyTable.tableName,
    VAULT_KEY_ID: keys.vaultKey.keyArn,
    PASSWORD_KEY_ID: keys.passwordKey.keyArn,
    SIGNING_KEY_ID: keys.signingKey.keyArn,
    PREVIOUS_SIGNING_KEY_IDS: (props.previousSigningKeys ?? []).map((k) => k.keyArn).join(','),
    PASSWORD_STRATEGY: strategy,
    KEY_CACHE_MAX_AGE_SECONDS: String((props.keyCacheMaxAge ?? Duration.minutes(5)).toSeconds()),
    HISTORY_DEPTH: String(props.historyDepth ?? CORE_MANIFEST.defaults.historyDepth),
    TRASH_RETENTION_DAYS: String(
      (props.trashRetention ?? Duration.days(CORE_MANIFEST.defaults.trashRetentionDays)).toDays(),
    ),
    TOKEN_ISSUER: `kmsvault-${Stack.of(scope).stackName}`,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** The three functions in `scope`, each with its own (encrypted) log group and logging/tracing policy. */
export function vaultFunctions(
  scope: Construct,
  roles: PerFunction<iam.Role>,
  environment: Record<string, string>,
  logSettings: LogGroupSettings,
): PerFunction<lambda.Function> {
  return {
    // scrypt N=2^17, r=8 needs 128 MiB for itself and CPU: 1 GiB gives a full vCPU share on arm64.
    auth: fn(scope, 'AuthFunction', 'lambda-auth', roles.auth, environment, logSettings, 1024, 10),
    secrets: fn(scope, 'SecretsFunction', 'lambda-secrets', roles.secrets, environment, logSettings, 512, 10),
    authorizer: fn(
      scope,
      'AuthorizerFunction',
      'lambda-authorizer',
      roles.authorizer,
      environment,
      logSettings,
      256,
      5,
    ),
  };
}

/** One function from its prebuilt asset (`assets/<name>`, bundled from `packages/<pkg>`), with the cdk-nag findings it answers. */
function fn(
  scope: Construct,
  id: string,
  pkg: string,
  role: iam.Role,
  environment: Record<string, string>,
  logSettings: LogGroupSettings,
  memorySize: number,
  timeoutSeconds: number,
): lambda.Function {
  const logGroup = vaultLogGroup(scope, `${id}Logs`, logSettings);
  const name = pkg.replace('lambda-', '');
  const fn = new lambda.Function(scope, id, {
    code: lambda.Code.fromAsset(join(ASSETS_DIR, name)),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize,
    timeout: Duration.seconds(timeoutSeconds),
    // The role itself, so grants and addToRolePolicy on the function reach it.
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: { ...environment, POWERTOOLS_SERVICE_NAME: `kmsvault-${name}` },
  });
  // Active tracing is set on the resource, not through the `tracing` prop, which would add a
  // second X-Ray statement to the role: the policy below has it, with its acknowledgement.
  (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
  const policy = new iam.ManagedPolicy(scope, `${id}Policy`, {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        actions: [...LOG_ACTIONS],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:*`],
      }),
      new iam.PolicyStatement({ actions: [...XRAY_ACTIONS], resources: ['*'] }),
    ],
  });
  const logStreams = `AwsSolutions-IAM5[Resource::<${Stack.of(scope).getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)}.Arn>:*]`;
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
  return fn;
}
