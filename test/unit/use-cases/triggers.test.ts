import { describe, expect, it } from 'vitest';
import { payoutIdFor } from '../../../shared/domain/ids.js';
import { eventOrigin, senderOrigin } from '../../../shared/ports/inbound-store.js';
import { createPayoutUseCase } from '../../../shared/use-cases/create-payout.js';
import { inboundPayoutsUseCase, rejectionId } from '../../../shared/use-cases/inbound-payouts.js';
import { testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { OTHER_TENANT, payoutBody, TENANT } from './given.js';

const START = '2026-12-01T09:00:00.000Z';
const origin = eventOrigin('111122223333', 'com.acme.payroll');

/** Payout requests from events and queue messages (the "triggers" routed with `payouts triggers route`). */
function setUp() {
  const ports = memoryPorts();
  const clock = testClock(START);
  const deadLetters: Record<string, unknown>[] = [];
  const createPayout = createPayoutUseCase({
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    now: clock.now,
  });
  const accept = inboundPayoutsUseCase({
    inbound: ports.inbound,
    createPayout,
    deadLetters: { send: async (body) => void deadLetters.push(JSON.parse(body)) },
    now: clock.now,
  });
  const message = (body: unknown, messageId = 'msg-1') => ({
    channel: 'eventbridge' as const,
    origin,
    messageId,
    body,
  });
  return { ...ports, accept, message, deadLetters };
}

const request = (overrides: Record<string, unknown> = {}) => ({
  ...payoutBody({ reference: 'payroll-2026-12-ada' }),
  idempotency_key: 'payroll-run-42-ada',
  ...overrides,
});

describe('a payout requested by an event or a queue message', () => {
  it('is created for the tenant its origin is routed to, as an event payout', async () => {
    const { inbound, accept, message, payouts } = setUp();
    await inbound.route(TENANT, origin, START);

    expect(await accept(message(request()))).toBe('created');

    const payout = await payouts.get(TENANT, payoutIdFor(TENANT, 'payroll-2026-12-ada'));
    expect([payout?.source, payout?.status, payout?.amount]).toEqual(['event', 'queued', 2500]);
  });

  it('is replayed, not created twice, when the message is delivered again', async () => {
    const { inbound, accept, message, payouts } = setUp();
    await inbound.route(TENANT, origin, START);
    await accept(message(request()));

    expect(await accept(message(request()))).toBe('replayed');
    expect(payouts.all(TENANT)).toHaveLength(1);
  });

  it('goes to the dead-letter queue, with no tenant, from an origin no tenant accepts', async () => {
    const { accept, message, deadLetters, inbound, payouts } = setUp();
    await inbound.route(TENANT, origin, START);
    const stranger = { ...message(request()), origin: senderOrigin('AROAEXAMPLE:i-0abc') };

    expect(await accept(stranger)).toBe('unrouted');

    expect(deadLetters).toEqual([
      {
        reason: {
          code: 'origin_not_routed',
          message: "No tenant accepts payout requests from SQS sender 'AROAEXAMPLE'.",
          details: [],
        },
        tenant_id: null,
        channel: 'eventbridge',
        origin: { kind: 'sqs_sender', value: 'AROAEXAMPLE' },
        request: request(),
      },
    ]);
    expect(payouts.all(TENANT)).toEqual([]);
  });

  it('cannot choose its tenant: a tenant in the body is refused as an unknown field', async () => {
    const { inbound, accept, message, payouts } = setUp();
    await inbound.route(TENANT, origin, START);

    expect(await accept(message(request({ tenant_id: OTHER_TENANT })))).toBe('rejected');
    expect([...payouts.all(TENANT), ...payouts.all(OTHER_TENANT)]).toEqual([]);
    // Refused as the routed tenant's request: the other tenant hears nothing of it.
    expect(inbound.rejectionsOf(TENANT).map((rejection) => rejection.reason.details)).toEqual([
      [{ param: 'tenant_id', message: 'is not a known field' }],
    ]);
    expect(inbound.rejectionsOf(OTHER_TENANT)).toEqual([]);
  });

  it('is rejected once per request when invalid: recorded for the payout.request_rejected event and dead-lettered', async () => {
    const { inbound, accept, message, deadLetters } = setUp();
    await inbound.route(TENANT, origin, START);
    const invalid = request({ amount: -5 });

    expect(await accept(message(invalid))).toBe('rejected');
    expect(await accept(message(invalid, 'msg-1-redelivered'))).toBe('rejected');

    const reason = {
      code: 'validation_failed',
      message: 'amount: must be greater than 0',
      details: [{ param: 'amount', message: 'must be greater than 0' }],
    };
    expect(inbound.rejectionsOf(TENANT)).toEqual([
      {
        id: rejectionId(TENANT, 'eventbridge', 'payroll-run-42-ada', 'validation_failed'),
        tenantId: TENANT,
        channel: 'eventbridge',
        origin: '111122223333/com.acme.payroll',
        idempotencyKey: 'payroll-run-42-ada',
        reference: 'payroll-2026-12-ada',
        reason,
        createdAt: START,
      },
    ]);
    expect(deadLetters.map((letter) => [letter.reason, letter.tenant_id])).toEqual([
      [reason, TENANT],
      [reason, TENANT],
    ]);
  });

  it('is rejected when its text hides characters (a bidirectional override in the reference)', async () => {
    const { inbound, accept, message } = setUp();
    await inbound.route(TENANT, origin, START);

    expect(await accept(message(request({ reference: 'inv\u202Efdp' })))).toBe('rejected');
    expect(inbound.rejectionsOf(TENANT)[0]?.reason.details[0]?.param).toBe('reference');
  });

  it('is rejected when its idempotency key was used with another body', async () => {
    const { inbound, accept, message } = setUp();
    await inbound.route(TENANT, origin, START);
    await accept(message(request()));

    expect(await accept(message(request({ amount: 9900 }), 'msg-2'))).toBe('rejected');
    expect(inbound.rejectionsOf(TENANT).map((rejection) => rejection.reason.code)).toEqual([
      'idempotency_key_reused',
    ]);
  });

  it('is retried, not rejected, while a copy of the same message is still being written', async () => {
    const { inbound, accept, message, deadLetters, payouts } = setUp();
    await inbound.route(TENANT, origin, START);

    const [first, copy] = await Promise.allSettled([accept(message(request())), accept(message(request()))]);

    expect(first).toEqual({ status: 'fulfilled', value: 'created' });
    expect(copy.status === 'rejected' && copy.reason.code).toBe('idempotency_key_in_use');
    expect([inbound.rejectionsOf(TENANT), deadLetters]).toEqual([[], []]);
    expect(await accept(message(request()))).toBe('replayed');
    expect(payouts.all(TENANT)).toHaveLength(1);
  });
});
