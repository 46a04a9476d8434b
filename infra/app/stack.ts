import { CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ArnListPrincipal, Vault } from '../src';
import { acknowledge } from '../src/nag';
import type { ResolvedEnvironment } from './config';

/** IAM role or user ARNs, in any partition (CloudFormation applies it to each member of the list). */
export const KEY_ADMIN_ARN_PATTERN = 'arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+';

/**
 * One environment's stack: a Vault whose keys are administered by the CDK
 * deployment role (the Vault's default) and by the principals given at
 * deploy time in the `KeyAdminArns` parameter.
 */
export class VaultStack extends Stack {
  public readonly vault: Vault;
  public readonly keyAdminArns: CfnParameter;

  public constructor(scope: Construct, id: string, config: ResolvedEnvironment, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    this.keyAdminArns = new CfnParameter(this, 'KeyAdminArns', {
      type: 'CommaDelimitedList',
      description:
        'ARNs of the IAM roles or users that administer the vault keys (management only, no cryptographic use), comma-separated; each must exist before the deploy',
      allowedPattern: KEY_ADMIN_ARN_PATTERN,
      constraintDescription:
        'each member must be an IAM role or user ARN: arn:aws:iam::123456789012:role/Name',
    });
    this.vault = new Vault(this, 'Vault', {
      keyAdmins: [new ArnListPrincipal(this.keyAdminArns.valueAsList)],
      passwordStrategy: config.passwordStrategy,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
      pointInTimeRecovery: config.pointInTimeRecovery,
      logRetention: config.logRetention,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      api: { waf: config.waf, corsOrigins: [...config.corsOrigins] },
      webVault: config.webVault,
    });
    acknowledgeChoices(this.vault, config);
  }
}

/**
 * The cdk-nag findings that this app's configuration choices leave on the
 * Vault, acknowledged here (the Vault acknowledges none made by a choice of
 * its props): each only where the environment makes the choice.
 */
function acknowledgeChoices(vault: Vault, config: ResolvedEnvironment): void {
  if (!config.waf) {
    const reason = `${config.name} runs without a web ACL (config waf: false): a development stack; staging and prod attach it`;
    acknowledge(vault.api.deploymentStage, 'AwsSolutions-APIG3', reason);
    acknowledge(vault.api.deploymentStage, 'NIST.800.53.R5-APIGWAssociatedWithWAF', reason);
    if (vault.web) acknowledge(vault.web.distribution, 'AwsSolutions-CFR2', reason);
  }
  if (vault.web)
    acknowledge(
      vault.web.distribution,
      'AwsSolutions-CFR4',
      'no custom domain yet: the default *.cloudfront.net certificate admits TLSv1, which current browsers no longer offer; a domain with a TLSv1.2_2021 policy ends it',
    );
  if (config.pointInTimeRecovery)
    acknowledge(
      vault.table,
      'NIST.800.53.R5-DynamoDBInBackupPlan',
      "point-in-time recovery (35 days) is on (config pointInTimeRecovery); AWS Backup plans are the account's, not this stack's",
    );
}
