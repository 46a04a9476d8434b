import { App, aws_iam as iam, Stack, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { KMS_ADMIN_ACTIONS } from '../src/constants';
import { Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';
const ENV = { account: '123456789012', region: 'eu-west-1' };

type Statement = { Sid?: string; Action: string | string[]; Principal?: unknown; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown> };

/** GIVEN a stack (in `env`, or environment-agnostic) with a Vault of these props, WHEN it synthesises. */
function synth(props: Partial<VaultProps> = {}, stackProps: StackProps = { env: ENV }) {
  const app = new App();
  const stack = new Stack(app, 'Logs', stackProps);
  const vault = new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const keyId = stack.getLogicalId(vault.logsKey.node.defaultChild as never);
  const key = resources[keyId] as Resource;
  const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
  return { resources, keyId, key, statements };
}

const LOGS_ACTIONS = [
  'kms:Decrypt*',
  'kms:Describe*',
  'kms:Encrypt*',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];

describe('Function: logsKey', () => {
  it("lets CloudWatch Logs of the stack's region use it only for log groups of the stack's account and region", () => {
    // GIVEN / WHEN
    const { statements } = synth();

    // THEN
    const logs = statements
      .filter((s) => JSON.stringify(s.Principal).includes('"Service"'))
      .map((s) => ({ ...s, Action: [...s.Action].sort() }));
    expect(logs).toEqual([
      {
        Sid: 'CloudWatchLogsEncryptsLogGroups',
        Effect: 'Allow',
        Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
        Action: LOGS_ACTIONS,
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:123456789012:log-group:*'],
              ],
            },
          },
        },
      },
    ]);
  });

  it('names region, account and partition by pseudo parameters in an environment-agnostic stack', () => {
    // GIVEN / WHEN
    const { statements } = synth({}, {});

    // THEN
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsEncryptsLogGroups') as Statement;
    expect(logs.Principal).toEqual({
      Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
    });
    expect(logs.Condition).toEqual({
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:*',
            ],
          ],
        },
      },
    });
    expect(JSON.stringify(logs)).not.toContain('arn:aws');
  });

  it('is administered like the other keys (admins and deployer, management only) and rotates', () => {
    // GIVEN / WHEN
    const { key, statements } = synth();

    // THEN
    expect(key.Properties.EnableKeyRotation).toBe(true);
    for (const sid of ['KeyAdministration', 'DeployerKeyAdministration']) {
      expect(statements.find((s) => s.Sid === sid)?.Action).toEqual([...KMS_ADMIN_ACTIONS].sort());
    }
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      'CloudWatchLogsEncryptsLogGroups',
      'DeployerKeyAdministration',
      'KeyAdministration',
    ]);
  });
});

describe('Class: Vault (log groups)', () => {
  it.each([
    ['a default Vault', {}, 4],
    ['a Vault with the WAF and the web vault', { api: { waf: true }, webVault: true }, 5],
  ] as const)('encrypts every log group of %s under the logs key', (_, props, count) => {
    // GIVEN / WHEN
    const { resources, keyId } = synth(props);

    // THEN every group names the key by Fn::GetAtt, so CloudFormation creates the key (and its policy) first
    const groups = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(count);
    for (const [, group] of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
  });
});
