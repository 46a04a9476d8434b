import { aws_iam as iam, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment } from './config';
import { Vault } from './vault';

/** One environment's stack: a Vault, administered by the CDK deployment role and the configured roles. */
export class VaultStack extends Stack {
  public readonly vault: Vault;

  public constructor(scope: Construct, id: string, config: ResolvedEnvironment, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    const deployer = `cdk-hnb659fds-cfn-exec-role-${config.account}-${config.region}`;
    const keyAdmins = [deployer, ...config.keyAdminRoleNames].map(
      (name) => new iam.ArnPrincipal(`arn:aws:iam::${config.account}:role/${name}`),
    );
    this.vault = new Vault(this, 'Vault', {
      keyAdmins,
      passwordStrategy: config.passwordStrategy,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pointInTimeRecovery,
      logRetention: config.logRetention,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      api: { waf: config.waf, corsOrigins: config.corsOrigins },
      webVault: config.webVault,
    });
  }
}
