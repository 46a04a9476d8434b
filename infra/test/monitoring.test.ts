import { App, aws_iam as iam, Stack, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Vault, type VaultProps } from '../src/vault';

const ADMIN = 'arn:aws:iam::123456789012:role/KeyAdmin';
const ENV = { account: '123456789012', region: 'eu-west-1' };

type Statement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: unknown;
  Condition?: unknown;
};

/** GIVEN a stack with Vaults of these ids, WHEN it synthesises. */
function synth(ids: readonly string[] = ['Vault'], props: Partial<VaultProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Monitored', { env: ENV });
  const vaults = ids.map(
    (id) => new Vault(stack, id, { keyAdmins: [new iam.ArnPrincipal(ADMIN)], ...props }),
  );
  return { stack, vaults, template: Template.fromStack(stack) };
}

/** The namespace of every metric filter, alarm and of a metric name, as template JSON. */
function namespaces(template: Template, metricName: string) {
  const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).flatMap((f) =>
    (f.Properties.MetricTransformations as { MetricName: string; MetricNamespace: unknown }[])
      .filter((t) => t.MetricName === metricName)
      .map((t) => JSON.stringify(t.MetricNamespace)),
  );
  const alarms = Object.values(
    template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
  );
  return { filters, alarms: alarms.map((a) => JSON.stringify(a.Properties.Namespace)) };
}

describe('Function: alarmTopic (policy)', () => {
  const { stack, vaults, template } = synth();
  const topicId = stack.getLogicalId((vaults[0] as Vault).alarmTopic.node.defaultChild as never);
  const statements = (): Statement[] => {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    if (policy === undefined) throw new Error('no topic policy');
    return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  };

  it("lets CloudWatch alarms of the vault's account publish, besides the SSL Deny", () => {
    // THEN
    expect(statements()).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
    expect(statements().filter((s) => s.Effect === 'Deny')).toHaveLength(1);
  });

  it('lets EventBridge publish only for the key-change rule', () => {
    // THEN
    const rule = stack.getLogicalId((vaults[0] as Vault).keyChangeRule.node.defaultChild as never);
    expect(statements()).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
      }),
    );
  });

  it("lets EventBridge use the topic's key, for the account only", () => {
    // THEN
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'kmsvault alarm topic key',
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('Function: alarmsAndDashboard (one vault per metric)', () => {
  it('counts dependency failures and integrity errors of two vaults in one account into different metrics', () => {
    // GIVEN two vaults in one stack
    const { template } = synth(['VaultA', 'VaultB']);

    for (const metric of ['DependencyFailures', 'IntegrityErrors']) {
      // WHEN their filters and alarms are read
      const { filters, alarms } = namespaces(template, metric);

      // THEN each vault's alarm watches the namespace its own filters write, and no other vault's
      expect(alarms).toHaveLength(2);
      expect(new Set(alarms).size).toBe(2);
      for (const alarm of alarms) expect(filters.filter((f) => f === alarm)).toHaveLength(3);
      expect(filters).toHaveLength(6);
    }
  });

  it('names the namespace after the stack and the vault path, so two stacks differ too', () => {
    // GIVEN / WHEN
    const { template } = synth(['Vault']);

    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DependencyFailures',
      Namespace: { 'Fn::Join': ['/', ['kmsvault', { Ref: 'AWS::StackName' }, 'Vault']] },
    });
  });
});

describe('Function: keyChangeAlarm', () => {
  const { stack, vaults, template } = synth();
  const vault = vaults[0] as Vault;

  it("sends PutKeyPolicy, ScheduleKeyDeletion and DisableKey of each of the vault's keys, by id or ARN, to the alarm topic", () => {
    // THEN
    const keys = [vault.vaultKey, vault.passwordKey, vault.signingKey, vault.tableKey, vault.logsKey].map(
      (k) => stack.getLogicalId(k.node.defaultChild as never),
    );
    const rule = Object.values(template.findResources('AWS::Events::Rule'))[0]?.Properties as {
      EventPattern: {
        source: string[];
        'detail-type': string[];
        detail: { eventName: string[]; requestParameters: { keyId: unknown[] } };
      };
      Targets: { Arn: unknown }[];
    };
    expect(rule.EventPattern.source).toEqual(['aws.kms']);
    expect(rule.EventPattern['detail-type']).toEqual(['AWS API Call via CloudTrail']);
    expect(rule.EventPattern.detail.eventName).toEqual(['PutKeyPolicy', 'ScheduleKeyDeletion', 'DisableKey']);
    for (const key of keys) {
      expect(rule.EventPattern.detail.requestParameters.keyId).toContainEqual({ Ref: key });
      expect(rule.EventPattern.detail.requestParameters.keyId).toContainEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { Ref: stack.getLogicalId(vault.alarmTopic.node.defaultChild as never) },
      }),
    ]);
  });

  it('targets a given topic without changing its policy', () => {
    // GIVEN a topic of the caller's
    const app = new App();
    const stack = new Stack(app, 'Given', { env: ENV });
    const topic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');

    // WHEN
    new Vault(stack, 'Vault', { keyAdmins: [new iam.ArnPrincipal(ADMIN)], alarmTopic: topic });
    const template = Template.fromStack(stack);

    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: 'arn:aws:sns:eu-west-1:123456789012:ops' })],
    });
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  });
});
