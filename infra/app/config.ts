import { aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';
import { PasswordStrategy } from '../src';

export type EnvironmentName = 'dev' | 'staging' | 'prod';

export interface EnvironmentConfig {
  /** The AWS account; falls back to CDK_DEFAULT_ACCOUNT. */
  readonly account?: string;
  /** The AWS region; falls back to CDK_DEFAULT_REGION. */
  readonly region?: string;
  readonly passwordStrategy: PasswordStrategy;
  readonly waf: boolean;
  /** Deploy the web vault (S3 + CloudFront). */
  readonly webVault: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly pointInTimeRecovery: boolean;
  readonly logRetention: logs.RetentionDays;
  readonly alarmEmail?: string;
  readonly corsOrigins: readonly string[];
}

/**
 * One entry per environment. The account ids are examples: set yours here
 * (or leave account out and deploy with credentials, which set
 * CDK_DEFAULT_ACCOUNT). Key administrators are not configured here: they are
 * the deploy-time parameter KeyAdminArns (see VaultStack).
 */
export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentConfig> = {
  dev: {
    account: '111111111111',
    region: 'eu-west-1',
    passwordStrategy: PasswordStrategy.HMAC,
    waf: false,
    // The local stack serves the web vault as CloudFront would, from this template.
    webVault: true,
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    pointInTimeRecovery: true,
    logRetention: logs.RetentionDays.ONE_MONTH,
    corsOrigins: [],
  },
  staging: {
    account: '222222222222',
    region: 'eu-west-1',
    passwordStrategy: PasswordStrategy.HMAC,
    waf: true,
    webVault: true,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    pointInTimeRecovery: true,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    corsOrigins: [],
  },
  prod: {
    account: '333333333333',
    region: 'eu-west-1',
    passwordStrategy: PasswordStrategy.HMAC,
    waf: true,
    webVault: true,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    pointInTimeRecovery: true,
    logRetention: logs.RetentionDays.ONE_YEAR,
    alarmEmail: 'vault-oncall@example.com',
    corsOrigins: [],
  },
};

export interface ResolvedEnvironment extends EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly account: string;
  readonly region: string;
}

/** The named environment with account and region resolved; one clear error for anything missing or wrong. */
export function resolveEnvironment(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  environments: Record<string, EnvironmentConfig> = ENVIRONMENTS,
): ResolvedEnvironment {
  const known = Object.keys(environments);
  if (name === undefined || !(name in environments)) {
    throw new Error(
      `environment ${JSON.stringify(name)} is not configured; choose one of ${known.join(', ')} with -c env=NAME`,
    );
  }
  const config = environments[name] as EnvironmentConfig;
  const account = config.account ?? env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? env.CDK_DEFAULT_REGION;
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new Error(
      `environment ${name}: setting "account" is missing or not 12 digits (got ${JSON.stringify(account)}); set it in infra/app/config.ts or CDK_DEFAULT_ACCOUNT`,
    );
  }
  if (region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(
      `environment ${name}: setting "region" is missing or malformed (got ${JSON.stringify(region)}); set it in infra/app/config.ts or CDK_DEFAULT_REGION`,
    );
  }
  return { ...config, name: name as EnvironmentName, account, region };
}
