import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, LOCAL_ROLE_ID } from '../../local/aws/local-identity.js';
import { eventOrigin, senderOrigin } from '../../shared/ports/inbound-store.js';
import { EVENT_BUS, INBOUND_EVENT_BUS, REJECTION_QUEUE } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

const context = withTestPlatform('inbound');
const SOURCE = `com.acme.refunds.${randomBytes(3).toString('hex')}`;
/** Credentials of someone else's account (the local endpoint gives each access key its own identity). */
const ATTACKER = { accessKeyId: 'attacker', secretAccessKey: 'attacker' };

const putEvent = (detail: unknown, source = SOURCE, credentials?: typeof ATTACKER) =>
  new EventBridgeClient(credentials ? { credentials } : {}).send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: INBOUND_EVENT_BUS,
          Source: source,
          DetailType: 'Payout Requested',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );

const sendMessage = (body: unknown, credentials?: typeof ATTACKER) =>
  new SQSClient(credentials ? { credentials } : {}).send(
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
    await platform.adapters.inbound.route(tenant.tenantId, eventOrigin(LOCAL_ACCOUNT, SOURCE), now),
  ).toBe(true);
  // The local credentials' role, whatever the session (SenderId is `<role id>:<session>`).
  expect(await platform.adapters.inbound.route(tenant.tenantId, senderOrigin(LOCAL_ROLE_ID), now)).toBe(true);
  // An origin belongs to one tenant.
  const other = await platform.newTenant('Other');
  expect(await platform.adapters.inbound.route(other.tenantId, eventOrigin(LOCAL_ACCOUNT, SOURCE), now)).toBe(
    false,
  );
});

describe('forged origins (security)', () => {
  it('an event with a routed source from another account creates nothing: the route is account and source', async () => {
    const body = payoutBody({ amount: 424_200 });
    await putEvent({ ...body, idempotency_key: `forged-${body.reference}` }, SOURCE, ATTACKER);
    const refused = await eventually(
      async () => deadLetters('inbound-events'),
      (letters) => letters.some((letter) => letter.request?.reference === body.reference),
    );
    expect(refused.find((letter) => letter.request?.reference === body.reference)).toMatchObject({
      reason: { code: 'origin_not_routed' },
      tenant_id: null,
      origin: { kind: 'event_source', value: expect.not.stringMatching(/^000000000000\//) },
    });
    expect(await byReference(body.reference)).toHaveLength(0);
  });

  it('a queue message from another principal creates nothing; the routed role’s sessions all may', async () => {
    const forged = payoutBody({ amount: 424_201 });
    await sendMessage({ ...forged, idempotency_key: `forged-${forged.reference}` }, ATTACKER);
    await eventually(
      async () => deadLetters('inbound-requests'),
      (letters) => letters.some((letter) => letter.request?.reference === forged.reference),
    );
    expect(await byReference(forged.reference)).toHaveLength(0);
    // Two messages from the routed role: each carries a new session name in its SenderId.
    const bodies = [payoutBody(), payoutBody()];
    for (const body of bodies) await sendMessage({ ...body, idempotency_key: `session-${body.reference}` });
    for (const body of bodies)
      await eventually(
        () => byReference(body.reference),
        (found) => found.length === 1,
      );
  });

  it('the platform bus does not route integrators’ Payout Requested events', async () => {
    const body = payoutBody();
    await new EventBridgeClient({}).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: EVENT_BUS,
            Source: SOURCE,
            DetailType: 'Payout Requested',
            Detail: JSON.stringify({ ...body, idempotency_key: body.reference }),
          },
        ],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await byReference(body.reference)).toHaveLength(0);
  });
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
      origin: `${LOCAL_ACCOUNT}/${SOURCE}`,
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
    // Against a table (as in AWS) a source needs its account: EventBridge's `account` is half the route.
    const noAccount = await cli('route', '--tenant', tenant.tenantId, '--source', source).catch(
      (error) => error,
    );
    expect(noAccount.stderr).toContain('--source needs --account');
    expect(
      (await cli('route', '--tenant', tenant.tenantId, '--source', source, '--account', LOCAL_ACCOUNT))
        .stdout,
    ).toContain(`event source ${LOCAL_ACCOUNT}/${source} → ${tenant.tenantId}`);
    expect((await cli('list', '--tenant', tenant.tenantId)).stdout).toContain(source);
    const other = await platform.newTenant('Another');
    const refused = await cli(
      'route',
      '--tenant',
      other.tenantId,
      '--source',
      source,
      '--account',
      LOCAL_ACCOUNT,
    ).catch((error) => error);
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
