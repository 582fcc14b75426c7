import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENTBRIDGE_LIMITS, entrySize } from '../../../local/aws/local-eventbridge.js';
import { createEventBridgePublisher } from '../../../shared/adapters/eventbridge-publisher.js';
import { clientConfig, type LocalAws, rejectionOf, startLocalAws } from './local-aws.js';

/**
 * The local EventBridge against PutEvents as documented (API Reference `PutEvents`: 1–10 entries;
 * User Guide "Calculating PutEvents event entry size": 256 KB for the request's entries), driven by
 * the SDK client and the platform's publisher.
 */
let aws: LocalAws;
let client: EventBridgeClient;

beforeAll(async () => {
  aws = await startLocalAws();
  client = new EventBridgeClient(aws.config);
  aws.eventBridge.putRule({
    bus: 'payouts',
    name: 'all',
    eventPattern: { source: ['test'] },
    target: { queue: 'q' },
  });
});
afterAll(() => aws.stop());
beforeEach(() => {
  aws.sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 30 });
});

const entry = (detail: Record<string, unknown> = {}): PutEventsRequestEntry => ({
  EventBusName: 'payouts',
  Source: 'test',
  DetailType: 'thing.happened',
  Detail: JSON.stringify(detail),
});
const delivered = () => aws.sqs.receive('q', 100).map((record) => JSON.parse(record.body));

describe('PutEvents', () => {
  it('routes up to 10 entries, each answered with an EventId, as full event envelopes', async () => {
    const result = await client.send(
      new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, n) => entry({ n })) }),
    );

    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.every((answer) => typeof answer.EventId === 'string')).toBe(true);
    const events = delivered();
    expect(events.map((event) => event.detail.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events[0]).toMatchObject({
      version: '0',
      source: 'test',
      'detail-type': 'thing.happened',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
    });
  });

  it('refuses 11 entries as a whole (ValidationException), delivering none', async () => {
    const error = await rejectionOf(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    expect(delivered()).toEqual([]);
  });

  it('refuses a request without entries', async () => {
    const error = await rejectionOf(client.send(new PutEventsCommand({ Entries: [] })));
    expect(error.name).toBe('ValidationException');
  });

  it('takes entries of 256 KB together and refuses one byte more, counted as EventBridge counts', async () => {
    const base = entrySize({ Source: 'test', DetailType: 'thing.happened', Detail: '{"pad":""}' });
    const padding = (bytes: number) => ({ ...entry(), Detail: JSON.stringify({ pad: 'p'.repeat(bytes) }) });
    const atLimit = [
      padding(EVENTBRIDGE_LIMITS.requestBytes / 2 - base),
      padding(EVENTBRIDGE_LIMITS.requestBytes / 2 - base),
    ];
    const overLimit = [
      atLimit[0] as PutEventsRequestEntry,
      padding(EVENTBRIDGE_LIMITS.requestBytes / 2 - base + 1),
    ];

    const accepted = await client.send(new PutEventsCommand({ Entries: atLimit }));
    const error = await rejectionOf(client.send(new PutEventsCommand({ Entries: overLimit })));

    expect(EVENTBRIDGE_LIMITS.requestBytes).toBe(262_144);
    expect(accepted.FailedEntryCount).toBe(0);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Total size of the entries in the request is over the limit.');
    expect(delivered()).toHaveLength(2);
  });

  it('counts 14 bytes for a Time and each resource, as the User Guide computes an entry', () => {
    expect(
      entrySize({ Time: 1, Source: 'ab', DetailType: 'c', Detail: '{}', Resources: ['arn:x', 'é'] }),
    ).toBe(14 + 2 + 1 + 2 + 5 + 2);
  });

  it('reports an entry it refuses on its own (FailedEntryCount) and delivers the others', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [entry({ ok: true }), { ...entry(), Detail: 'not json' }, { ...entry(), Source: undefined }],
      }),
    );

    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.slice(1)).toEqual([
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
    ]);
    expect(delivered().map((event) => event.detail)).toEqual([{ ok: true }]);
  });

  it("sets the event's account from the caller's credentials, not from anything the caller sends", async () => {
    const outsider = new EventBridgeClient({
      ...clientConfig(aws.endpoint),
      credentials: { accessKeyId: 'someone-else', secretAccessKey: 'x' },
    });
    await outsider.send(new PutEventsCommand({ Entries: [entry()] }));

    const [event] = delivered();
    expect(event.account).toMatch(/^\d{12}$/);
    expect(event.account).not.toBe('000000000000');
  });
});

describe("the platform's publisher", () => {
  const event = (n: number) => ({
    id: `evt_${n}`,
    type: 'thing.happened',
    createdAt: '2026-12-03T00:00:00.000Z',
    tenantId: 'ten_1',
    resource: { n },
  });

  it('publishes 25 events in calls of at most 10, each with the time of the event', async () => {
    const publisher = createEventBridgePublisher({ client, busName: 'payouts', source: 'test' });

    await publisher.publish(Array.from({ length: 25 }, (_, n) => event(n)) as never);

    const events = delivered();
    expect(events.map((published) => published.detail.n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(events[0]).toMatchObject({ time: '2026-12-03T00:00:00Z', detail: { n: 0, tenant_id: 'ten_1' } });
  });

  it('throws when EventBridge refuses an entry, so its batch is retried', async () => {
    const publisher = createEventBridgePublisher({ client, busName: 'payouts', source: '' });

    const error = await rejectionOf(publisher.publish([event(1)] as never));

    expect(error.message).toBe('EventBridge refused 1 of 1 events: InvalidArgument');
  });
});
