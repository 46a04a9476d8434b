import {
  Aws,
  type aws_apigateway as apigw,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cwActions,
  Duration,
  type aws_dynamodb as dynamodb,
  Fn,
  aws_iam as iam,
  type aws_lambda as lambda,
  aws_logs as logs,
  Stack,
  aws_sns as sns,
  aws_sns_subscriptions as subs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CORE_MANIFEST } from './core-manifest';
import type { PerFunction } from './functions';
import { alarmKey, type KeyAdministration } from './keys';
import { acknowledge } from './nag';
import type { VaultProps } from './props';

/** What the alarms and the dashboard watch. */
export interface MonitoredResources {
  readonly api: apigw.RestApi;
  readonly functions: PerFunction<lambda.Function>;
  readonly table: dynamodb.Table;
}

/**
 * The topic alarms go to: the given one, or a new topic encrypted under its
 * own key, with the alarm email subscribed if one is given. A new topic's
 * policy lets CloudWatch (alarms of this account) publish, besides the SSL
 * Deny; its key lets CloudWatch and EventBridge (the key-change rule, see
 * key-changes.ts) encrypt for it. A given topic is the caller's to open to them.
 */
export function alarmTopic(
  scope: Construct,
  props: Pick<VaultProps, 'alarmEmail' | 'alarmTopic'>,
  administration: KeyAdministration,
): sns.ITopic {
  if (props.alarmTopic !== undefined) return props.alarmTopic;
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: 'kmsvault alarms',
    enforceSSL: true,
    masterKey: alarmKey(scope, administration),
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchPublishesAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
  // The rule's own sns:Publish statement (with its aws:SourceArn) is added by keyChangeAlarm.
  topic.masterKey?.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'EventBridgePublishesKeyChanges',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
  );
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
  return topic;
}

/** Alarms (to the topic) on API 5xx, function errors and throttles, table throttles, dependency failures, integrity errors; and the dashboard. */
export function alarmsAndDashboard(
  scope: Construct,
  topic: sns.ITopic,
  { api, functions, table }: MonitoredResources,
): cloudwatch.Dashboard {
  const action = new cwActions.SnsAction(topic);
  const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => {
    const a = new cloudwatch.Alarm(scope, id, {
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
  const namespace = metricNamespace(scope);
  const alarms = [
    alarm('Api5xxAlarm', api.metricServerError({ period, statistic: 'Sum' }), 'The API answered 5xx.'),
  ];
  for (const [name, fn] of Object.entries(functions)) {
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
          r: table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
          w: table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
        },
        period,
      }),
      'DynamoDB throttled the vault table.',
    ),
  );
  // KMS publishes no per-caller failure metric: the functions log every
  // failed or throttled dependency call ("dependency unavailable"), counted here.
  const dependencyFailures = logEventMetric(
    scope,
    functions,
    namespace,
    'DependencyFailures',
    CORE_MANIFEST.events.dependency,
    period,
  );
  alarms.push(
    alarm('DependencyFailuresAlarm', dependencyFailures, 'KMS or DynamoDB calls failed or were throttled.'),
  );
  // A stored item that fails verification was tampered with, forged or rolled
  // back: a security event. The functions log it as `integrity_error`
  // (user id, item, route; never a value), counted here; one is an alarm.
  const integrityErrors = logEventMetric(
    scope,
    functions,
    namespace,
    'IntegrityErrors',
    CORE_MANIFEST.events.integrity,
    period,
  );
  alarms.push(
    alarm(
      'IntegrityErrorsAlarm',
      integrityErrors,
      'A stored item failed its integrity check (tampering, forgery or rollback): see the integrity_error log events.',
    ),
  );

  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard');
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'API requests and errors',
      left: [
        api.metricCount({ period }),
        api.metricClientError({ period }),
        api.metricServerError({ period }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (p50, p99)',
      left: [
        api.metricLatency({ period, statistic: 'p50' }),
        api.metricLatency({ period, statistic: 'p99' }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Function errors and throttles',
      left: Object.values(functions).flatMap((f) => [
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
 * The namespace of this vault's log-derived metrics:
 * `kmsvault/<stack name>/<the vault's construct path in its stack>`, so two
 * vaults in one account and region (two stacks, or two vaults in one stack)
 * count into different metrics and never raise each other's alarms. A
 * namespace rather than a dimension: a metric filter's dimension values can
 * only be fields of the log event, and the functions' log lines carry nothing
 * that tells one vault from another.
 */
export function metricNamespace(scope: Construct): string {
  const stack = Stack.of(scope);
  const scopes = scope.node.scopes;
  const path = scopes
    .slice(scopes.indexOf(stack) + 1)
    .map((s) => s.node.id.replace(/[^A-Za-z0-9._#:-]/g, '_'))
    .join('/');
  return Fn.join('/', ['kmsvault', Aws.STACK_NAME, path]);
}

/**
 * A metric counting the log lines with one message in every function's log
 * group (a metric filter per group, the vault's namespace), summed per period.
 * A metric filter rather than embedded metric format: the functions only log
 * the event, need no metrics library or namespace setting, and the count
 * cannot drift from the log line it is made from.
 */
function logEventMetric(
  scope: Construct,
  functions: PerFunction<lambda.Function>,
  namespace: string,
  metricName: string,
  message: string,
  period: Duration,
): cloudwatch.Metric {
  for (const [name, fn] of Object.entries(functions)) {
    new logs.MetricFilter(scope, `${name}${metricName}`, {
      logGroup: fn.logGroup,
      metricNamespace: namespace,
      metricName,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
      metricValue: '1',
    });
  }
  return new cloudwatch.Metric({ namespace, metricName, period, statistic: 'Sum' });
}
