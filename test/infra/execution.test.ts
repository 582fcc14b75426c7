import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { queueSpecProblems } from '../../infra/constructs/payout-execution.js';
import { PayoutsStack } from '../../infra/payouts-stack.js';
import { queueUrlVariable } from '../../shared/config.js';
import { FUNCTIONS, QUEUES, RULES, STREAM_CONSUMER } from '../../shared/topology.js';

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PayoutsStack(app, 'Payouts');
const resources: Record<string, any> = Template.fromStack(stack).toJSON().Resources;
const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnFunction);
const functionId = (name: string) => logicalId(stack.api.functions.get(name) as never);
const mappingsOf = (name: string) =>
  ofType('AWS::Lambda::EventSourceMapping').filter(
    (mapping) => mapping.Properties.FunctionName.Ref === functionId(name),
  );
const statementsOf = (name: string) => {
  const roleId = resources[functionId(name)].Properties.Role['Fn::GetAtt'][0];
  return ofType('AWS::IAM::Policy')
    .filter((policy) => policy.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};
const hasAction = (statement: any, action: string) => [statement.Action].flat().includes(action);

describe('execution infrastructure', () => {
  it('feeds the table stream to the relay with bisection, bounded retries and a DLQ', () => {
    const [mapping, ...others] = mappingsOf(STREAM_CONSUMER.function);
    expect(others).toEqual([]);
    expect(mapping.Properties).toMatchObject({
      BatchSize: STREAM_CONSUMER.batchSize,
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_CONSUMER.retryAttempts,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('StreamArn');
    // Only the writes the relay turns into events invoke it, with the topology's patterns.
    expect(
      mapping.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) =>
        JSON.parse(filter.Pattern),
      ),
    ).toEqual(STREAM_CONSUMER.filterPatterns);
  });

  it.each(QUEUES.map((queue) => [queue.name, queue] as const))(
    'queue %s: encrypted, a DLQ after ≥ 5 receives, visibility ≥ 6× the consumer timeout, partial batch failures, capped concurrency',
    (_name, spec) => {
      const [mapping] = mappingsOf(spec.consumer.function);
      const queueId = mapping.Properties.EventSourceArn['Fn::GetAtt'][0];
      const queue = resources[queueId].Properties;
      const timeout = resources[functionId(spec.consumer.function)].Properties.Timeout;

      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
      expect(mapping.Properties).toMatchObject({
        BatchSize: spec.consumer.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.consumer.maxConcurrency },
      });
    },
  );

  it("deploys each rule with the topology's exact event pattern, a retry policy and a DLQ", () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules.map((rule) => rule.Properties.EventPattern)).toEqual(RULES.map((rule) => rule.eventPattern));
    for (const rule of rules) {
      expect(rule.Properties.Targets[0]).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: expect.anything() },
      });
    }
  });

  it('lets EventBridge send to a queue only on behalf of its rule', () => {
    const statements = ofType('AWS::SQS::QueuePolicy').flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement,
    );
    const fromEvents = statements.filter(
      (statement) => statement.Principal?.Service === 'events.amazonaws.com',
    );
    expect(fromEvents.length).toBeGreaterThan(0);
    for (const statement of fromEvents) expect(statement.Condition.ArnEquals['aws:SourceArn']).toBeDefined();
  });

  it('grants PutEvents on the bus only to publishers, and ChangeMessageVisibility only on their queues', () => {
    for (const spec of FUNCTIONS) {
      const putEvents = statementsOf(spec.name).filter((statement) =>
        hasAction(statement, 'events:PutEvents'),
      );
      const visibility = statementsOf(spec.name).filter((statement) =>
        hasAction(statement, 'sqs:ChangeMessageVisibility'),
      );
      expect(putEvents.length > 0, `${spec.name} PutEvents`).toBe(Boolean(spec.publishesEvents));
      for (const statement of putEvents) expect(JSON.stringify(statement.Resource)).toContain('Bus');
      if (spec.changesVisibilityOf) expect(visibility.length).toBeGreaterThan(0);
      for (const statement of visibility) expect(statement.Resource).not.toBe('*');
    }
    expect(
      resources[functionId(STREAM_CONSUMER.function)].Properties.Environment.Variables.PAYOUTS_EVENT_BUS_NAME,
    ).toBeDefined();
  });
});

describe('the buses (forged events)', () => {
  const busId = stack.getLogicalId(stack.execution.bus.node.defaultChild as never);
  const inboundBusId = stack.getLogicalId(stack.execution.inboundBus.node.defaultChild as never);

  it('refuses payouts.platform events on the platform bus from anyone but its publishers (a Deny on the bus)', () => {
    const policies = ofType('AWS::Events::EventBusPolicy').filter((policy) =>
      JSON.stringify(policy.Properties.EventBusName).includes(busId),
    );
    expect(policies).toHaveLength(1);
    const statement = policies[0].Properties.Statement;
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'events:source': 'payouts.platform' } },
    });
    const allowed = JSON.stringify(statement.Condition.ArnNotEquals['aws:PrincipalArn']);
    const publishers = FUNCTIONS.filter((spec) => spec.publishesEvents).map((spec) => spec.name);
    expect(publishers.sort()).toEqual(['recover-outbox', 'relay-outbox']);
    for (const name of publishers)
      expect(allowed).toContain(resources[functionId(name)].Properties.Role['Fn::GetAtt'][0]);
  });

  it("puts integrators' Payout Requested rule on their own bus, not the platform's", () => {
    const rules = ofType('AWS::Events::Rule');
    const inbound = rules.filter((rule) =>
      JSON.stringify(rule.Properties.EventPattern).includes('Payout Requested'),
    );
    expect(inbound).toHaveLength(1);
    expect(JSON.stringify(inbound[0].Properties.EventBusName)).toContain(inboundBusId);
    for (const rule of rules.filter((candidate) => candidate !== inbound[0]))
      expect(JSON.stringify(rule.Properties.EventBusName)).toContain(busId);
    expect(RULES.filter((rule) => rule.bus === 'inbound').map((rule) => rule.name)).toEqual([
      'payout-requests-to-inbound',
    ]);
  });
});

describe('queue senders', () => {
  it.each(FUNCTIONS.filter((spec) => spec.sendsTo).map((spec) => [spec.name, spec] as const))(
    '%s may send to its queues, and knows their URLs',
    (_name, spec) => {
      const sends = statementsOf(spec.name).filter((statement) => hasAction(statement, 'sqs:SendMessage'));
      expect(sends.length).toBeGreaterThan(0);
      for (const statement of sends) expect(statement.Resource).not.toBe('*');
      const variables = resources[functionId(spec.name)].Properties.Environment.Variables;
      for (const queue of spec.sendsTo ?? []) expect(variables[queueUrlVariable(queue)]).toBeDefined();
    },
  );

  it('functions that send to no queue get no SendMessage (the relay only to its stream DLQ)', () => {
    for (const spec of FUNCTIONS.filter((candidate) => !candidate.sendsTo)) {
      const sends = statementsOf(spec.name).filter((statement) => hasAction(statement, 'sqs:SendMessage'));
      if (spec.name !== STREAM_CONSUMER.function) {
        expect(sends, spec.name).toEqual([]);
        continue;
      }
      const streamDlq = stack.getLogicalId(
        stack.execution.streamDeadLetterQueue.node.defaultChild as CfnFunction,
      );
      expect(sends.map((statement) => statement.Resource['Fn::GetAtt'][0])).toEqual([streamDlq]);
    }
  });
});

describe('queue settings are validated up front', () => {
  it('lists every problem of a bad queue at once', () => {
    const problems = queueSpecProblems(
      {
        name: 'q',
        visibilityTimeoutSeconds: 30,
        maxReceiveCount: 2,
        oldestMessageAlarmSeconds: null,
        consumer: { function: 'f', batchSize: 10, maxConcurrency: 1 },
      },
      { name: 'f', description: 'd', timeoutSeconds: 20 },
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/6 × .* 20 s timeout[\s\S]*maxReceiveCount 2[\s\S]*maxConcurrency 1/);
  });

  it('accepts the topology as it is', () => {
    for (const queue of QUEUES) {
      expect(
        queueSpecProblems(
          queue,
          FUNCTIONS.find((spec) => spec.name === queue.consumer.function),
        ),
      ).toEqual([]);
    }
  });
});
