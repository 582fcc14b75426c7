import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_BUS, REJECTION_QUEUE } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

const context = withTestPlatform('inbound');
const SOURCE = `com.acme.refunds.${randomBytes(3).toString('hex')}`;
/** The local SQS sets every message's SenderId to the local account. */
const LOCAL_SENDER = '000000000000';

const putEvent = (detail: unknown, source = SOURCE) =>
  new EventBridgeClient({}).send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: EVENT_BUS,
          Source: source,
          DetailType: 'Payout Requested',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );

const sendMessage = (body: unknown) =>
  new SQSClient({}).send(
    new SendMessageCommand({
      QueueUrl: context.platform.sqs.queueUrl('inbound-requests'),
      MessageBody: JSON.stringify(body),
    }),
  );

const byReference = async (reference: string) =>
  (await context.tenant.request('GET', `/v1/payouts?reference=${reference}`)).body.data as any[];

/**
 * Refused requests of a channel's queue, from the rejections queue (read and left there for the next
 * look). Not a dead-letter queue: a refusal is routine, and DLQ alarms are for what is broken.
 */
function deadLetters(queue: string): any[] {
  const channel = queue === 'inbound-events' ? 'eventbridge' : 'sqs';
  const records = context.platform.sqs.receive(REJECTION_QUEUE, 10);
  for (const record of records) context.platform.sqs.changeVisibility(record.receiptHandle, 0);
  expect(context.platform.sqs.depth(`${queue}-dlq`).visible).toBe(0);
  return records.map((record) => JSON.parse(record.body)).filter((body) => body.channel === channel);
}

beforeAll(async () => {
  const { platform, tenant } = context;
  const now = new Date().toISOString();
  expect(
    await platform.adapters.inbound.route(tenant.tenantId, { kind: 'event_source', value: SOURCE }, now),
  ).toBe(true);
  expect(
    await platform.adapters.inbound.route(tenant.tenantId, { kind: 'sqs_sender', value: LOCAL_SENDER }, now),
  ).toBe(true);
  // An origin belongs to one tenant.
  const other = await platform.newTenant('Other');
  expect(
    await platform.adapters.inbound.route(other.tenantId, { kind: 'event_source', value: SOURCE }, now),
  ).toBe(false);
});

describe('payouts requested by events and queue messages', () => {
  it('an EventBridge "Payout Requested" event creates a payout with source "event"; the same event again creates nothing', async () => {
    const body = payoutBody();
    const detail = { ...body, idempotency_key: `evt-${body.reference}` };
    await putEvent(detail);
    const [payout] = await eventually(
      () => byReference(body.reference),
      (found) => found.length === 1 && found[0].status === 'paid',
    );
    expect(payout).toMatchObject({ source: 'event', amount: body.amount, reference: body.reference });
    // A duplicate delivery or an archive replay: the same request, the same payout.
    await putEvent(detail);
    await putEvent(detail);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await byReference(body.reference)).toHaveLength(1);
  });

  it('a queue message creates a payout; delivered twice, it creates one', async () => {
    const body = payoutBody({ destination: { type: 'email', email: 'grace@example.com' } });
    const message = { ...body, idempotency_key: `sqs-${body.reference}` };
    await sendMessage(message);
    await sendMessage(message);
    const found = await eventually(
      () => byReference(body.reference),
      (payouts) => payouts.length === 1 && payouts[0].status === 'paid',
    );
    expect(found[0].source).toBe('event');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await byReference(body.reference)).toHaveLength(1);
  });

  it('an invalid request never disappears: dead-letter queue with the reason, and payout.request_rejected', async () => {
    const body = payoutBody({ amount: -5 });
    await putEvent({ ...body, idempotency_key: `bad-${body.reference}` });
    const rejected = await eventually(
      async () =>
        (await context.tenant.request('GET', '/v1/events?type=payout.request_rejected')).body.data as any[],
      (events) => events.some((event) => event.data.object.reference === body.reference),
    );
    const event = rejected.find((candidate) => candidate.data.object.reference === body.reference);
    expect(event.data.object).toMatchObject({
      object: 'payout_request_rejection',
      channel: 'eventbridge',
      origin: SOURCE,
      idempotency_key: `bad-${body.reference}`,
      reason: { code: 'validation_failed', details: [expect.objectContaining({ param: 'amount' })] },
    });
    const letters = await eventually(
      async () => deadLetters('inbound-events'),
      (found) => found.some((letter) => letter.request?.reference === body.reference),
    );
    expect(letters.find((letter) => letter.request?.reference === body.reference)).toMatchObject({
      tenant_id: context.tenant.tenantId,
      reason: { code: 'validation_failed' },
    });
    expect(await byReference(body.reference)).toHaveLength(0);
  });

  it('an event from a source no tenant accepts creates nothing and is dead-lettered, naming the source', async () => {
    const body = payoutBody();
    await putEvent({ ...body, idempotency_key: `x-${body.reference}` }, 'com.unknown.sender');
    const letters = await eventually(
      async () => deadLetters('inbound-events'),
      (found) => found.some((letter) => letter.request?.reference === body.reference),
    );
    expect(letters.find((letter) => letter.request?.reference === body.reference)).toMatchObject({
      tenant_id: null,
      reason: { code: 'origin_not_routed', message: expect.stringContaining('com.unknown.sender') },
    });
    expect(await byReference(body.reference)).toHaveLength(0);
  });

  it('CLI: routes a source to a tenant, lists it, and refuses to give it to a second tenant', async () => {
    const { platform, tenant } = context;
    const source = `com.acme.payroll.${randomBytes(3).toString('hex')}`;
    const cli = (...args: string[]) =>
      promisify(execFile)(
        'npx',
        ['tsx', 'cli/payouts.ts', '--table', platform.tableName, 'triggers', ...args],
        {
          env: process.env,
        },
      );
    expect((await cli('route', '--tenant', tenant.tenantId, '--source', source)).stdout).toContain(
      `event source ${source} → ${tenant.tenantId}`,
    );
    expect((await cli('list', '--tenant', tenant.tenantId)).stdout).toContain(source);
    const other = await platform.newTenant('Another');
    const refused = await cli('route', '--tenant', other.tenantId, '--source', source).catch(
      (error) => error,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already routed to another tenant');

    const body = payoutBody();
    await putEvent({ ...body, idempotency_key: `cli-${body.reference}` }, source);
    await eventually(
      () => byReference(body.reference),
      (found) => found.length === 1,
    );
  }, 60_000);
});
