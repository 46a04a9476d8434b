import { aws_events as events, aws_iam as iam, type aws_kms as kms, type aws_sns as sns } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * The KMS calls that can take a vault's keys away from it: a new key policy
 * (which could drop the functions or add an outsider), scheduled deletion,
 * and disabling.
 */
export const KEY_CHANGE_EVENTS = ['PutKeyPolicy', 'ScheduleKeyDeletion', 'DisableKey'] as const;

/**
 * An EventBridge rule on CloudTrail's management events for `KEY_CHANGE_EVENTS`
 * on these keys, sending the CloudTrail record (who, from where, which key) to
 * the alarm topic. The calls name a key by id or by ARN, so the pattern lists
 * both. EventBridge receives these events only where CloudTrail records
 * management events (a trail with logging on in the account, or an organization trail).
 *
 * The target is written here rather than with `aws_events_targets.SnsTopic`,
 * which would add an unconditioned `events.amazonaws.com` statement to the
 * topic policy: the statement added here holds the rule's ARN (`aws:SourceArn`).
 * A topic the Vault did not make is not changed (its policy is its owner's).
 */
export function keyChangeAlarm(scope: Construct, topic: sns.ITopic, keys: readonly kms.IKey[]): events.Rule {
  const rule = new events.Rule(scope, 'KeyChangeRule', {
    description: 'kmsvault: a key policy change, scheduled deletion or disabling of a vault key',
    eventPattern: {
      source: ['aws.kms'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: [...KEY_CHANGE_EVENTS],
        requestParameters: { keyId: keys.flatMap((key) => [key.keyId, key.keyArn]) },
      },
    },
  });
  rule.addTarget({ bind: () => ({ arn: topic.topicArn }) });
  acknowledge(
    rule,
    'Serverless-EventBusDLQ',
    'EventBridge retries delivery to the topic for 24 hours; a call it could not deliver stays in CloudTrail, the record of truth, and shows in the rule FailedInvocations metric',
  );
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgePublishesKeyChanges',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
    }),
  );
  return rule;
}
