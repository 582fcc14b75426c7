import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PayoutsStack } from '../../infra/payouts-stack.js';
import { QUEUES } from '../../shared/topology.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [], alarmEmail: 'ops@example.com' } });
const stack = new PayoutsStack(app, 'Payouts');
const template = Template.fromStack(stack);
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
const topic = stack.resolve(stack.monitoring.topic.topicArn);
const alarmOn = (metricName: string, queueLogicalId: string) =>
  alarms.filter(
    (alarm) =>
      alarm.Properties.MetricName === metricName &&
      JSON.stringify(alarm.Properties.Dimensions).includes(queueLogicalId),
  );
const logicalId = (construct: any) => stack.getLogicalId(construct.node.defaultChild);

describe('alarms', () => {
  it('fire when any dead-letter queue holds a message, and notify the topic (and its email)', () => {
    const deadLetters = [
      ...QUEUES.map((spec) => stack.execution.deadLetterQueues.get(spec.name)),
      stack.execution.streamDeadLetterQueue,
      stack.execution.ruleDeadLetterQueue,
    ];
    for (const queue of deadLetters) {
      const [alarm, ...others] = alarmOn('ApproximateNumberOfMessagesVisible', logicalId(queue));
      expect(others).toEqual([]);
      expect(alarm.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [topic],
        OKActions: [topic],
      });
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringAlarmsKey'), 'Arn'] },
    });
  });

  it("watch the oldest message's age of every queue but the one where webhook retries wait", () => {
    for (const spec of QUEUES) {
      const found = alarmOn(
        'ApproximateAgeOfOldestMessage',
        logicalId(stack.execution.queues.get(spec.name)),
      );
      if (spec.oldestMessageAlarmSeconds === null) expect(found, spec.name).toEqual([]);
      else
        expect(
          found.map((alarm) => alarm.Properties.Threshold),
          spec.name,
        ).toEqual([spec.oldestMessageAlarmSeconds]);
    }
    expect(QUEUES.find((spec) => spec.name === 'webhook-delivery')?.oldestMessageAlarmSeconds).toBeNull();
  });

  it("count the executor's ERROR lines, the relay's errors and lag, failed approvals, API 5xx and p99", () => {
    const executorLogs = stack.resolve(
      (stack.api.functions.get('execute-payout') as any).logGroup.logGroupName,
    );
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: executorLogs,
      FilterPattern: '{ $.level = "ERROR" }',
    });
    const names = alarms.map((alarm) => alarm.Properties.MetricName);
    expect(names).toEqual(
      expect.arrayContaining([
        'ExecutorErrors',
        'Errors',
        'IteratorAge',
        'ExecutionsFailed',
        '5xx',
        'Latency',
      ]),
    );
    const p99 = alarms.find((alarm) => alarm.Properties.MetricName === 'Latency');
    expect(p99.Properties.ExtendedStatistic).toBe('p99');
  });

  it('watch every webhook endpoint’s failure rate with one Metrics Insights alarm grouped by endpoint', () => {
    const [query] = alarms.flatMap((alarm) => alarm.Properties.Metrics ?? []);
    expect(query.Expression).toMatch(
      /^SELECT AVG\(WebhookAttemptFailed\) FROM SCHEMA\("Payouts", EndpointId, service\) GROUP BY EndpointId/,
    );
  });

  it('name a runbook entry that docs/deploy.md has', () => {
    const deployGuide = readFileSync('docs/deploy.md', 'utf8');
    const anchors = new Set(
      [...deployGuide.matchAll(/^#{2,4} (.+)$/gm)].map((match) =>
        (match[1] as string)
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) {
      const anchor = /docs\/deploy\.md#([a-z0-9-]+)/.exec(alarm.Properties.AlarmDescription)?.[1];
      expect(anchor, alarm.Properties.AlarmDescription).toBeDefined();
      expect(anchors.has(anchor as string), anchor).toBe(true);
    }
  });
});

describe('dashboard', () => {
  it('shows the API, the queues, errors, webhooks, approvals and every alarm', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
    const body = JSON.stringify(stack.resolve(dashboard.Properties.DashboardBody));
    for (const title of [
      'API latency',
      'Queue depth',
      'Oldest message age',
      'Webhook failure rate',
      'Approval executions',
      'Alarms',
    ])
      expect(body).toContain(title);
  });
});

describe('deployment settings', () => {
  it('reach every function, and a bad value is refused with every problem at once', () => {
    for (const fn of stack.api.functions.values()) {
      const variables =
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as any)].Properties.Environment
          .Variables;
      // A production deployment offers no sandbox rail unless told to (no payout is "paid" by a fake).
      expect(variables).toMatchObject({ PAYOUTS_SANDBOX_RAIL: 'off', PAYOUTS_WEBHOOK_SCHEMES: 'https' });
    }
    const bad = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        provider: 'acme-bank',
        sandboxRail: 'maybe',
        webhookSchemes: 'ftp',
        alarmEmail: 'x',
      },
    });
    expect(() => new PayoutsStack(bad, 'Bad')).toThrow(
      /sandboxRail=maybe: must be one of off \| on[\s\S]*-c provider: replaced by per-tenant connectors[\s\S]*webhookSchemes=ftp[\s\S]*alarmEmail=x/,
    );
  });
});
