import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  CfnAlarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarm,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  WEBHOOK_ATTEMPT_FAILED,
  WEBHOOK_ENDPOINT_DIMENSION,
} from '../../shared/observability/metrics.js';
import {
  type ConsumedQueueName,
  type FunctionName,
  OUTBOX_RECOVERY_FUNCTION,
  OUTBOX_RELAY_FUNCTION,
  QUEUES,
} from '../../shared/topology.js';
import type { ApprovalWorkflow } from './approval-workflow.js';
import type { PayoutApi } from './payout-api.js';
import type { PayoutExecution } from './payout-execution.js';

/** The executor: its ERROR-level log lines (failed messages, retried) are counted by a metric filter. */
const EXECUTOR_FUNCTION = 'execute-payout' satisfies FunctionName;
/** Any endpoint whose attempts fail more than this share (%) over three 5-minute periods. */
const WEBHOOK_FAILURE_RATE_PERCENT = 50;
/** The API's p99 latency (ms) that raises an alarm, over three 5-minute periods. */
const API_P99_MS = 2000;
/** How far (ms) the relay may fall behind the table's stream before events are late. */
const RELAY_ITERATOR_AGE_MS = 60_000;

/** The runbook of an alarm (docs/deploy.md#runbook): its anchor names the alarm. */
export const RUNBOOK = 'docs/deploy.md#runbook';

export interface PayoutsMonitoringProps {
  api: PayoutApi;
  execution: PayoutExecution;
  approvals: ApprovalWorkflow;
  /** Where the alarms are emailed (context `alarmEmail`); the topic is there either way. */
  alarmEmail?: string;
}

/**
 * Alarms and a dashboard (issue 10): dead-letter queues that are not empty, queues whose oldest
 * message is too old, executor and relay errors, the relay falling behind, webhook failure rate per
 * endpoint, failed approval executions, API 5xx and p99 latency. Every alarm notifies one encrypted
 * topic and names its runbook entry.
 */
export class PayoutsMonitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Map<string, IAlarm> = new Map();
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PayoutsMonitoringProps) {
    super(scope, id);
    // CloudWatch publishes to an encrypted topic only with a key that lets it: a customer managed one.
    const key = new Key(this, 'AlarmsKey', {
      description: 'Encrypts the payouts alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'Payouts platform alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, summary: string, build: (description: string) => IAlarm) => {
      // One runbook entry per kind of alarm (`DlqNotEmpty-execution-dlq` → `…#runbook-dlqnotempty`).
      const family = name.split('-')[0] as string;
      const created = build(`${summary} Runbook: ${RUNBOOK}-${family.toLowerCase()}`);
      if (created instanceof Alarm) {
        created.addAlarmAction(action);
        created.addOkAction(action);
      }
      this.alarms.set(name, created);
      return created;
    };
    const fn = (name: FunctionName) => {
      const found = props.api.functions.get(name);
      if (!found) throw new Error(`No function ${name}`);
      return found;
    };
    const queueOf = (name: ConsumedQueueName) => {
      const found = props.execution.queues.get(name);
      if (!found) throw new Error(`No queue ${name}`);
      return found;
    };
    const fiveMinutes = Duration.minutes(5);
    /** An alarm on any occurrence (a sum of at least one) within one period. */
    const onAny = (metric: Metric, id: string) => (description: string) =>
      metric.createAlarm(this, id, {
        alarmDescription: description,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    // Dead-letter queues: any message there is a payout request, event or delivery that needs a person.
    const deadLetters = [
      ...QUEUES.map((spec) => [`${spec.name}-dlq`, props.execution.deadLetterQueues.get(spec.name)] as const),
      ['stream-dlq', props.execution.streamDeadLetterQueue] as const,
      ['rule-target-dlq', props.execution.ruleDeadLetterQueue] as const,
    ];
    for (const [name, queue] of deadLetters) {
      if (!queue) throw new Error(`No dead-letter queue ${name}`);
      alarm(`DlqNotEmpty-${name}`, `Messages are waiting in the ${name} dead-letter queue.`, (description) =>
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
          .createAlarm(this, `DlqNotEmpty-${name}`, {
            alarmDescription: description,
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    // Queues whose oldest message is too old: a consumer is stuck or throttled.
    for (const spec of QUEUES) {
      if (spec.oldestMessageAlarmSeconds === null) continue;
      const queue = queueOf(spec.name);
      const limit = spec.oldestMessageAlarmSeconds;
      alarm(
        `OldestMessage-${spec.name}`,
        `The oldest message of the ${spec.name} queue is older than ${limit} s.`,
        (description) =>
          queue
            .metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' })
            .createAlarm(this, `OldestMessage-${spec.name}`, {
              alarmDescription: description,
              threshold: limit,
              comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
              evaluationPeriods: 2,
              treatMissingData: TreatMissingData.NOT_BREACHING,
            }),
      );
    }

    // The executor reports failed messages (retried with backoff) at ERROR level.
    const executor = fn(EXECUTOR_FUNCTION);
    const executorErrors = new MetricFilter(this, 'ExecutorErrorLines', {
      logGroup: executor.logGroup,
      filterPattern: FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'ExecutorErrors',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: 'Sum' });
    alarm(
      'ExecutorErrors',
      'The payout executor failed messages (they are retried).',
      onAny(executorErrors, 'ExecutorErrors'),
    );

    // The outbox recovery logs at ERROR when it found lost work (a replayed range, a stranded payout).
    const recovered = new MetricFilter(this, 'OutboxRecoveredLines', {
      logGroup: fn(OUTBOX_RECOVERY_FUNCTION).logGroup,
      filterPattern: FilterPattern.stringValue('$.level', '=', 'ERROR'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'OutboxRecovered',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: 'Sum' });
    alarm(
      'OutboxRecovered',
      'The outbox recovery replayed lost relay batches or re-drove stranded payouts.',
      onAny(recovered, 'OutboxRecovered'),
    );

    // A reconciliation run that found differences (the provider's records disagree with ours).
    const differences = new MetricFilter(this, 'ReconciliationDifferenceLines', {
      logGroup: fn('run-reconciliation').logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'Reconciliation found differences'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'ReconciliationDifferences',
      metricValue: '$.differences',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: 'Sum' });
    alarm(
      'ReconciliationDifferences',
      'A reconciliation run found differences between a provider and the payouts: see the Reconciliation page.',
      onAny(differences, 'ReconciliationDifferences'),
    );

    // An event on the platform bus that the feed does not hold: forged (or a bug). Never delivered.
    const refused = new MetricFilter(this, 'ForgedEventLines', {
      logGroup: fn('fan-out-webhooks').logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'Refused an event*'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'ForgedEvents',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: 'Sum' });
    alarm(
      'ForgedEvents',
      'An event on the platform bus is not in its tenant feed: forged, refused, no webhook sent.',
      onAny(refused, 'ForgedEvents'),
    );

    // The outbox relay: a failed batch is retried by Lambda (then the stream DLQ), and must not lag.
    const relay = fn(OUTBOX_RELAY_FUNCTION);
    alarm(
      'RelayErrors',
      'The outbox relay failed stream batches (they are retried).',
      onAny(relay.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), 'RelayErrors'),
    );
    const iteratorAge = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: relay.functionName },
      period: fiveMinutes,
      statistic: 'Maximum',
    });
    alarm('RelayBehind', 'Events reach EventBridge late: the relay is behind the stream.', (description) =>
      iteratorAge.createAlarm(this, 'RelayBehind', {
        alarmDescription: description,
        threshold: RELAY_ITERATOR_AGE_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // Webhook failure rate per endpoint: one alarm, one contributor per endpoint (Metrics Insights).
    const failureRateQuery = `SELECT AVG(${WEBHOOK_ATTEMPT_FAILED}) FROM SCHEMA("${METRICS_NAMESPACE}", ${WEBHOOK_ENDPOINT_DIMENSION}, service) GROUP BY ${WEBHOOK_ENDPOINT_DIMENSION} ORDER BY AVG() DESC`;
    alarm(
      'WebhookFailureRate',
      `An endpoint's webhook attempts fail more than ${WEBHOOK_FAILURE_RATE_PERCENT} % of the time.`,
      (description) => {
        const cfn = new CfnAlarm(this, 'WebhookFailureRate', {
          alarmDescription: description,
          comparisonOperator: 'GreaterThanThreshold',
          threshold: WEBHOOK_FAILURE_RATE_PERCENT,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: 'notBreaching',
          metrics: [{ id: 'rate', expression: failureRateQuery, period: 300, returnData: true }],
          alarmActions: [this.topic.topicArn],
          okActions: [this.topic.topicArn],
        });
        return Alarm.fromAlarmArn(this, 'WebhookFailureRateRef', cfn.attrArn);
      },
    );

    alarm(
      'ApprovalExecutionsFailed',
      'Approval workflow executions failed.',
      onAny(
        props.approvals.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
        'ApprovalExecutionsFailed',
      ),
    );

    // The API: a 5xx is a bug; p99 latency is what integrators feel.
    const api = props.api.httpApi;
    alarm(
      'Api5xx',
      'The API answered 5xx.',
      onAny(api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }), 'Api5xx'),
    );
    alarm('ApiLatencyP99', `The API's p99 latency is above ${API_P99_MS} ms.`, (description) =>
      api.metricLatency({ period: fiveMinutes, statistic: 'p99' }).createAlarm(this, 'ApiLatencyP99', {
        alarmDescription: description,
        threshold: API_P99_MS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    const byQueue = (metric: (queue: ReturnType<typeof queueOf>, label: string) => Metric) =>
      QUEUES.map((spec) => metric(queueOf(spec.name), spec.name));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API: requests, 4xx, 5xx',
        left: [
          api.metricCount({ period: fiveMinutes }),
          api.metricClientError({ period: fiveMinutes }),
          api.metricServerError({ period: fiveMinutes }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        left: [
          api.metricLatency({ period: fiveMinutes, statistic: 'p50' }),
          api.metricLatency({ period: fiveMinutes, statistic: 'p99' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Queue depth (visible)',
        left: byQueue((queue, label) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, label }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Oldest message age (s)',
        left: byQueue((queue, label) =>
          queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, label }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Executor and relay errors; relay iterator age',
        left: [executorErrors, relay.metricErrors({ period: fiveMinutes, statistic: 'Sum' })],
        right: [iteratorAge],
        width: 12,
      }),
      new GraphWidget({
        title: 'Webhook failure rate by endpoint (%)',
        left: [new MathExpression({ expression: failureRateQuery, period: fiveMinutes, label: '' })],
        width: 12,
      }),
      new GraphWidget({
        title: 'Approval executions',
        left: [
          props.approvals.stateMachine.metricStarted({ period: fiveMinutes }),
          props.approvals.stateMachine.metricSucceeded({ period: fiveMinutes }),
          props.approvals.stateMachine.metricFailed({ period: fiveMinutes }),
          props.approvals.stateMachine.metricTimedOut({ period: fiveMinutes }),
        ],
        width: 12,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms.values()], width: 12, height: 8 }),
    );
  }
}
