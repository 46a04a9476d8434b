// A platform team's CDK app, as the README's "The construct" shows it: the
// published @kmsvault/cdk, its peers, cdk-nag's three packs, and the findings
// the README lists as the consumer's acknowledged on the constructs they are about.

import { Vault } from '@kmsvault/cdk';
import { App, aws_iam as iam, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';

const app = new App();
Validations.of(app).addPlugins(
  new AwsSolutionsChecks(app),
  new ServerlessChecks(app),
  new NIST80053R5Checks(app),
);

const stack = new Stack(app, 'PlatformVault', { env: { account: '111111111111', region: 'eu-west-1' } });
const vault = new Vault(stack, 'Vault', {
  keyAdmins: [new iam.ArnPrincipal('arn:aws:iam::111111111111:role/kmsvault-local-key-admin')],
});

const choice = 'platform team: no web ACL, point-in-time recovery instead of a backup plan';
Validations.of(vault.api.deploymentStage).acknowledge(
  { id: 'AwsSolutions-APIG3', reason: choice },
  { id: 'NIST.800.53.R5-APIGWAssociatedWithWAF', reason: choice },
);
Validations.of(vault.table).acknowledge({ id: 'NIST.800.53.R5-DynamoDBInBackupPlan', reason: choice });
