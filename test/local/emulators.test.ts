import { describe, expect, it } from 'vitest';
import { matchesEventPattern } from '../../local/aws/event-pattern.js';
import { createLocalEventBridge } from '../../local/aws/local-eventbridge.js';
import { createLocalSqs } from '../../local/aws/local-sqs.js';
import { QUEUES, RULES, STREAM_CONSUMER } from '../../shared/topology.js';

const event = {
  source: 'payouts.platform',
  'detail-type': 'payout.queued',
  detail: { tenant_id: 'ten_1', amount: 1050, tags: ['a', 'b'], data: { object: { status: 'queued' } } },
};

describe('event pattern matching (local EventBridge)', () => {
  it.each([
    [{ source: ['payouts.platform'] }, true],
    [{ source: ['other'] }, false],
    [{ 'detail-type': ['payout.paid', 'payout.queued'] }, true],
    [{ detail: { data: { object: { status: ['queued'] } } } }, true],
    [{ detail: { data: { object: { status: ['paid'] } } } }, false],
    [{ detail: { tags: ['b'] } }, true],
    [{ source: [{ prefix: 'payouts.' }] }, true],
    [{ source: [{ suffix: '.platform' }] }, true],
    [{ 'detail-type': [{ 'anything-but': ['payout.paid'] }] }, true],
    [{ 'detail-type': [{ 'anything-but': 'payout.queued' }] }, false],
    [{ detail: { tenant_id: [{ exists: true }] } }, true],
    [{ detail: { missing: [{ exists: false }] } }, true],
    [{ detail: { missing: [{ exists: true }] } }, false],
    [{ detail: { amount: [{ numeric: ['>', 1000, '<=', 1050] }] } }, true],
    [{ detail: { amount: [{ numeric: ['<', 1000] }] } }, false],
    [{ source: [{ 'equals-ignore-case': 'PAYOUTS.PLATFORM' }] }, true],
    [{ $or: [{ source: ['x'] }, { 'detail-type': ['payout.queued'] }] }, true],
    [{ $or: [{ source: ['x'] }, { 'detail-type': ['y'] }] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('refuses operators it does not implement instead of silently never matching', () => {
    expect(() => matchesEventPattern({ source: [{ wildcard: 'p*' }] }, event)).toThrow(/Unsupported/);
  });

  it("routes the topology's rules: queued payouts reach the execution queue, other events do not", () => {
    const sqs = createLocalSqs();
    for (const queue of QUEUES) sqs.createQueue({ name: queue.name, visibilityTimeoutSeconds: 30 });
    const bus = createLocalEventBridge({ sqs });
    for (const rule of RULES) bus.putRule({ bus: 'payouts', ...rule });

    bus.putEvents([
      {
        EventBusName: 'payouts',
        Source: 'payouts.platform',
        DetailType: 'payout.queued',
        Detail: '{"id":"evt_1"}',
      },
      {
        EventBusName: 'payouts',
        Source: 'payouts.platform',
        DetailType: 'payout.paid',
        Detail: '{"id":"evt_2"}',
      },
      {
        EventBusName: 'other',
        Source: 'payouts.platform',
        DetailType: 'payout.queued',
        Detail: '{"id":"evt_3"}',
      },
    ]);

    const [record, ...rest] = sqs.receive('execution', 10);
    expect(rest).toEqual([]);
    // No rule offers bus events to webhooks: the relay sends those to the fan-out queue itself (D80).
    expect(sqs.receive('webhook-fanout', 10)).toEqual([]);
    expect(JSON.parse(record?.body ?? '')).toMatchObject({
      version: '0',
      source: 'payouts.platform',
      'detail-type': 'payout.queued',
      detail: { id: 'evt_1' },
    });
  });
});

describe('stream filters (the same patterns Lambda applies to the table stream)', () => {
  const record = (entity: string) => ({
    eventName: 'INSERT',
    dynamodb: { NewImage: { entity: { S: entity }, id: { S: 'x' } } },
  });

  it.each([
    ['payout', true],
    ['webhook_endpoint', true],
    ['idempotency', false],
    ['event', false],
    ['webhook_attempt', false],
    ['member', true],
    ['api_key', true],
    ['manual_payout_criteria', true],
    ['audit_entry', false],
  ])('a %s write reaches the relay: %s', (entity, expected) => {
    expect(
      STREAM_CONSUMER.filterPatterns.some((pattern) => matchesEventPattern(pattern, record(entity))),
    ).toBe(expected);
  });

  it('a REMOVE (no new image) does not', () => {
    expect(
      STREAM_CONSUMER.filterPatterns.some((pattern) =>
        matchesEventPattern(pattern, { eventName: 'REMOVE', dynamodb: {} }),
      ),
    ).toBe(false);
  });
});

describe('local SQS', () => {
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', async () => {
    const sqs = createLocalSqs();
    sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 0.2 });
    sqs.send('q', 'hello');

    const [first] = sqs.receive('q', 10);
    expect(sqs.receive('q', 10)).toEqual([]);
    await wait(300);
    const [second] = sqs.receive('q', 10);

    expect(first?.attributes.ApproximateReceiveCount).toBe('1');
    expect(second?.attributes.ApproximateReceiveCount).toBe('2');
    expect(second?.messageId).toBe(first?.messageId);
    // A handle from before the latest receive no longer deletes the message.
    expect(sqs.delete(first?.receiptHandle as string)).toBe(false);
    expect(sqs.delete(second?.receiptHandle as string)).toBe(true);
    expect(sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const sqs = createLocalSqs();
    sqs.createQueue({ name: 'dlq', visibilityTimeoutSeconds: 1 });
    sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 0, maxReceiveCount: 3, deadLetterQueue: 'dlq' });
    sqs.send('q', 'poison');

    const receives = [1, 2, 3, 4].map(() => sqs.receive('q', 1).length);

    expect(receives).toEqual([1, 1, 1, 0]);
    expect(sqs.receive('dlq', 10).map((record) => record.body)).toEqual(['poison']);
  });

  it('delivers every message twice when asked to (chaos)', () => {
    const sqs = createLocalSqs({ duplicateDeliveryRate: 1 });
    sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 30 });
    sqs.send('q', 'once');

    const records = sqs.receive('q', 10);
    expect(records.map((record) => record.body)).toEqual(['once', 'once']);
    expect(records[0]?.receiptHandle).not.toBe(records[1]?.receiptHandle);
  });

  it('a consumer deletes what the handler acknowledged, retries reported failures, and respects maxConcurrency', async () => {
    const sqs = createLocalSqs();
    sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 0.2 });
    for (let i = 0; i < 20; i++) sqs.send('q', String(i));
    const attempts = new Map<string, number>();
    let running = 0;
    let peak = 0;
    sqs.addConsumer({
      queue: 'q',
      functionName: 'consumer',
      batchSize: 3,
      maxConcurrency: 2,
      handler: async (event) => {
        running += 1;
        peak = Math.max(peak, running);
        await wait(20);
        running -= 1;
        const failures = [];
        for (const record of event.Records) {
          const count = (attempts.get(record.body) ?? 0) + 1;
          attempts.set(record.body, count);
          // Odd messages fail on their first attempt.
          if (Number(record.body) % 2 === 1 && count === 1)
            failures.push({ itemIdentifier: record.messageId });
        }
        return { batchItemFailures: failures };
      },
    });

    const deadline = Date.now() + 10_000;
    while (
      (sqs.depth('q').visible + sqs.depth('q').inFlight > 0 || attempts.size < 20) &&
      Date.now() < deadline
    )
      await wait(50);
    await sqs.stopAll();

    expect(sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
    expect(
      [...attempts.entries()]
        .filter(([, count]) => count === 2)
        .map(([body]) => Number(body))
        .sort((a, b) => a - b),
    ).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBe(2);
  });
});
