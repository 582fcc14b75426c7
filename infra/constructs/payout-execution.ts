import { Duration, Stack } from 'aws-cdk-lib';
import { CfnRule, EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queueArnVariable, queueUrlVariable } from '../../shared/config.js';
import {
  type ConsumedQueueName,
  EVENT_BUS,
  EVENT_SOURCE,
  FUNCTIONS,
  type FunctionName,
  type FunctionSpec,
  INBOUND_EVENT_BUS,
  OUTBOX_RECOVERY_EVERY_MINUTES,
  OUTBOX_RECOVERY_FUNCTION,
  QUEUES,
  type QueueSpec,
  REJECTION_QUEUE,
  RULES,
  STREAM_CONSUMER,
} from '../../shared/topology.js';
import type { PayoutsFunction } from './payouts-function.js';
import type { PayoutsTable } from './payouts-table.js';

const RETENTION = Duration.days(14);
const DEFAULT_TIMEOUT_SECONDS = 10;

/** Every problem of a queue's settings against AWS guidance, so all are reported at once. */
export function queueSpecProblems(
  spec: QueueSpec<string, string>,
  consumer: FunctionSpec<string> | undefined,
): string[] {
  const problems: string[] = [];
  const timeout = consumer?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!consumer)
    problems.push(`queue ${spec.name}: consumer '${spec.consumer.function}' is not a topology function`);
  if (spec.visibilityTimeoutSeconds < 6 * timeout) {
    problems.push(
      `queue ${spec.name}: visibility timeout ${spec.visibilityTimeoutSeconds} s is below 6 × the consumer's ${timeout} s timeout`,
    );
  }
  if (spec.maxReceiveCount < 5)
    problems.push(`queue ${spec.name}: maxReceiveCount ${spec.maxReceiveCount} is below 5`);
  if (spec.consumer.maxConcurrency < 2 || spec.consumer.maxConcurrency > 1000) {
    problems.push(`queue ${spec.name}: maxConcurrency ${spec.consumer.maxConcurrency} is outside 2..1000`);
  }
  return problems;
}

function encryptedQueue(
  scope: Construct,
  id: string,
  props: { visibilityTimeout?: Duration; deadLetter?: Queue; maxReceiveCount?: number },
) {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: RETENTION,
    visibilityTimeout: props.visibilityTimeout,
    deadLetterQueue:
      props.deadLetter && props.maxReceiveCount
        ? { queue: props.deadLetter, maxReceiveCount: props.maxReceiveCount }
        : undefined,
  });
}

/** EventBridge may send to the queue on behalf of this rule only. */
function allowRuleToSend(queue: Queue, rule: CfnRule): void {
  queue.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rule.attrArn } },
    }),
  );
}

export interface PayoutExecutionProps {
  table: PayoutsTable;
  functions: ReadonlyMap<string, PayoutsFunction>;
}

/**
 * Execution: the table stream feeds the outbox relay, which publishes to the platform's bus; rules
 * route events to queues whose consumers execute payouts. Everything is built from the topology
 * (STREAM_CONSUMER, QUEUES, RULES), which the local runtime also runs, and every hop has a DLQ.
 */
export class PayoutExecution extends Construct {
  readonly bus: EventBus;
  /** Integrators' bus: `Payout Requested` events (grant them events:PutEvents here only). */
  readonly inboundBus: EventBus;
  readonly queues: ReadonlyMap<ConsumedQueueName, Queue>;
  readonly deadLetterQueues: ReadonlyMap<ConsumedQueueName, Queue>;
  readonly streamDeadLetterQueue: Queue;
  readonly ruleDeadLetterQueue: Queue;
  /** Refused payout requests with their reasons (routine: no alarm; kept 14 days). */
  readonly rejectionQueue: Queue;

  constructor(scope: Construct, id: string, props: PayoutExecutionProps) {
    super(scope, id);
    const fn = (name: FunctionName) => {
      const found = props.functions.get(name);
      if (!found) throw new Error(`'${name}' is not a topology function`);
      return found;
    };
    const problems = QUEUES.flatMap((spec) =>
      queueSpecProblems(
        spec,
        FUNCTIONS.find((candidate) => candidate.name === spec.consumer.function),
      ),
    );
    if (problems.length > 0) throw new Error(`Invalid execution topology:\n- ${problems.join('\n- ')}`);

    // One bus per stack, so two stages can share an account.
    this.bus = new EventBus(this, 'Bus', { eventBusName: `${Stack.of(this).stackName}-${EVENT_BUS}` });
    const publishers = FUNCTIONS.filter((candidate) => candidate.publishesEvents).map((spec) =>
      fn(spec.name),
    );
    for (const publisher of publishers) {
      this.bus.grantPutEventsTo(publisher);
      publisher.bindEnvironment({ PAYOUTS_EVENT_BUS_NAME: this.bus.eventBusName });
    }
    // Only the platform's publishers may put its events on its bus, whatever IAM grants others: a
    // forged `payout.paid` would otherwise reach the consumers (who re-read the table anyway).
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyThePlatformPublishesPlatformEvents',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: { 'events:source': EVENT_SOURCE },
          ArnNotEquals: { 'aws:PrincipalArn': publishers.map((publisher) => publisher.role?.roleArn ?? '') },
        },
      }),
    );
    // Integrators put `Payout Requested` events on their own bus (its rule feeds the inbound queue).
    this.inboundBus = new EventBus(this, 'InboundBus', {
      eventBusName: `${Stack.of(this).stackName}-${INBOUND_EVENT_BUS}`,
    });

    this.streamDeadLetterQueue = encryptedQueue(this, 'StreamDlq', {});
    fn(STREAM_CONSUMER.function).addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_CONSUMER.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: STREAM_CONSUMER.retryAttempts,
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.streamDeadLetterQueue),
        filters: STREAM_CONSUMER.filterPatterns.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );

    // The outbox recovery replays the ranges the relay gave up on, and re-drives stranded payouts.
    for (const spec of FUNCTIONS.filter((candidate) => candidate.readsStreamDlq)) {
      this.streamDeadLetterQueue.grantConsumeMessages(fn(spec.name));
      props.table.grantStreamReplay(fn(spec.name));
      fn(spec.name).bindEnvironment({ PAYOUTS_STREAM_DLQ_URL: this.streamDeadLetterQueue.queueUrl });
    }
    new Schedule(this, 'OutboxRecovery', {
      description: 'Replays relay batches from the stream DLQ and re-drives stranded payouts',
      schedule: ScheduleExpression.rate(Duration.minutes(OUTBOX_RECOVERY_EVERY_MINUTES)),
      target: new LambdaInvoke(fn(OUTBOX_RECOVERY_FUNCTION), { retryAttempts: 0 }),
    });

    const queues = new Map<ConsumedQueueName, Queue>();
    const deadLetterQueues = new Map<ConsumedQueueName, Queue>();
    for (const spec of QUEUES) {
      const deadLetter = encryptedQueue(this, `${spec.name}Dlq`, {});
      const queue = encryptedQueue(this, `${spec.name}Queue`, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetter,
        maxReceiveCount: spec.maxReceiveCount,
      });
      fn(spec.consumer.function).addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.consumer.batchSize,
          reportBatchItemFailures: true,
          maxConcurrency: spec.consumer.maxConcurrency,
        }),
      );
      fn(spec.consumer.function).bindEnvironment({ [queueArnVariable(spec.name)]: queue.queueArn });
      queues.set(spec.name, queue);
      deadLetterQueues.set(spec.name, deadLetter);
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
    this.rejectionQueue = encryptedQueue(this, 'InboundRejections', {});

    for (const spec of FUNCTIONS) {
      for (const name of spec.sendsTo ?? []) {
        const queue = name === REJECTION_QUEUE ? this.rejectionQueue : queues.get(name);
        if (!queue) throw new Error(`${spec.name}: no queue '${name}'`);
        queue.grantSendMessages(fn(spec.name));
        fn(spec.name).bindEnvironment({ [queueUrlVariable(name)]: queue.queueUrl });
      }
      const arns = (spec.changesVisibilityOf ?? []).map((name) => {
        const queue = queues.get(name);
        if (!queue) throw new Error(`${spec.name}: no queue '${name}'`);
        return queue.queueArn;
      });
      if (arns.length > 0) {
        fn(spec.name).addToRolePolicy(
          new PolicyStatement({ actions: ['sqs:ChangeMessageVisibility'], resources: arns }),
        );
      }
    }

    // Rules keep the topology's raw EventBridge pattern (an L1 rule): no lossy mapping to CDK props.
    this.ruleDeadLetterQueue = encryptedQueue(this, 'RuleTargetDlq', {});
    for (const rule of RULES) {
      const queue = queues.get(rule.target.queue);
      if (!queue) throw new Error(`rule ${rule.name}: no queue '${rule.target.queue}'`);
      const cfnRule = new CfnRule(this, `${rule.name}Rule`, {
        description: rule.description,
        eventBusName: (rule.bus === 'inbound' ? this.inboundBus : this.bus).eventBusName,
        eventPattern: rule.eventPattern,
        state: 'ENABLED',
        targets: [
          {
            id: 'queue',
            arn: queue.queueArn,
            // New buses retry a target only briefly by default: keep trying for a day, then the DLQ.
            retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 24 * 3600 },
            deadLetterConfig: { arn: this.ruleDeadLetterQueue.queueArn },
          },
        ],
      });
      allowRuleToSend(queue, cfnRule);
      allowRuleToSend(this.ruleDeadLetterQueue, cfnRule);
    }
  }
}
