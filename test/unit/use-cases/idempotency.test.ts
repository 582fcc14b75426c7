import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/domain/errors.js';
import { payoutIdFor } from '../../../shared/domain/ids.js';
import { connectorRouting } from '../../../shared/use-cases/connectors.js';
import { type CreatePayoutInput, createPayoutUseCase } from '../../../shared/use-cases/create-payout.js';
import { HOUR, SECOND, testClock } from '../../fakes/clock.js';
import { memoryPorts } from '../../fakes/memory-ports.js';
import { payoutBody, refusal, TENANT } from './given.js';

function setUp() {
  const ports = memoryPorts();
  const clock = testClock('2026-12-01T09:00:00.000Z');
  const create = createPayoutUseCase({
    payouts: ports.payouts,
    idempotency: ports.idempotency,
    now: clock.now,
  });
  return { ...ports, clock, create };
}

function request(key: string, rawBody: Record<string, unknown> = { ...payoutBody() }): CreatePayoutInput {
  return {
    tenantId: TENANT,
    idempotencyKey: key,
    rawBody,
    body: payoutBody(rawBody as Parameters<typeof payoutBody>[0]),
    source: 'api',
  };
}

describe('an Idempotency-Key', () => {
  it('replays the first answer byte for byte to a retry with the same body, creating nothing more', async () => {
    const { create, clock, payouts } = setUp();
    const first = await create(request('key-1'));
    clock.advance(5 * SECOND);

    const retry = await create(request('key-1'));

    expect(retry).toEqual({ response: first.response, replayed: true });
    expect(JSON.parse(retry.response.body).created_at).toBe('2026-12-01T09:00:00.000Z');
    expect(payouts.all(TENANT)).toHaveLength(1);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const { create } = setUp();
    const first = await create(request('key-1', { reference: 'inv-1', amount: 2500, currency: 'EUR' }));

    const retry = await create(request('key-1', { currency: 'EUR', amount: 2500, reference: 'inv-1' }));

    expect(retry).toEqual({ response: first.response, replayed: true });
  });

  it('refuses the same key with another body: 422 idempotency_key_reused, nothing stored', async () => {
    const { create, payouts } = setUp();
    await create(request('key-1', { reference: 'inv-1', amount: 2500 }));

    const error = await refusal(create(request('key-1', { reference: 'inv-2', amount: 2500 })));

    expect([error.statusCode, error.type, error.code, error.param]).toEqual([
      422,
      'idempotency_error',
      'idempotency_key_reused',
      'Idempotency-Key',
    ]);
    expect(payouts.all(TENANT).map((payout) => payout.reference)).toEqual(['inv-1']);
  });

  it('lets two concurrent requests with one key create one payout: the other is told to retry (409), then replays', async () => {
    const { create, payouts } = setUp();

    const outcomes = await Promise.allSettled([create(request('key-1')), create(request('key-1'))]);

    const [won, lost] = outcomes;
    expect(won).toMatchObject({ status: 'fulfilled', value: { replayed: false } });
    expect(lost?.status).toBe('rejected');
    const error = (lost as PromiseRejectedResult).reason as AppError;
    expect([error.statusCode, error.code]).toEqual([409, 'idempotency_key_in_use']);
    expect(payouts.all(TENANT)).toHaveLength(1);

    const retry = await create(request('key-1'));
    expect(retry).toEqual({
      response: (won as PromiseFulfilledResult<{ response: unknown }>).value.response,
      replayed: true,
    });
  });

  it('lets many concurrent requests with one key create exactly one payout', async () => {
    const { create, payouts } = setUp();

    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => create(request('key-1'))));

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const codes = outcomes.flatMap((outcome) =>
      outcome.status === 'rejected' ? [(outcome.reason as AppError).code] : [],
    );
    expect(codes).toEqual(Array(7).fill('idempotency_key_in_use'));
    expect(payouts.all(TENANT)).toHaveLength(1);
  });

  it('keeps one payout per reference when two keys race for it; the loser’s retry names the payout', async () => {
    const { create, payouts } = setUp();

    const [first, second] = await Promise.allSettled([
      create(request('key-a', { reference: 'inv-1' })),
      create(request('key-b', { reference: 'inv-1' })),
    ]);

    expect(first?.status).toBe('fulfilled');
    expect(((second as PromiseRejectedResult).reason as AppError).code).toBe('idempotency_key_in_use');
    const retry = await refusal(create(request('key-b', { reference: 'inv-1' })));
    expect([retry.code, retry.extra]).toEqual([
      'reference_already_used',
      { payout_id: payoutIdFor(TENANT, 'inv-1') },
    ]);
    expect(payouts.all(TENANT)).toHaveLength(1);
  });

  it('is kept 72 hours: replayed up to that instant, free one second later', async () => {
    const { create, clock, payouts } = setUp();
    await create(request('key-1', { reference: 'inv-1' }));

    clock.advance(72 * HOUR);
    const lastDay = await refusal(create(request('key-1', { reference: 'inv-2' })));
    expect(lastDay.code).toBe('idempotency_key_reused');

    clock.advance(SECOND);
    const reused = await create(request('key-1', { reference: 'inv-2' }));
    expect(reused.replayed).toBe(false);
    expect(
      payouts
        .all(TENANT)
        .map((payout) => payout.reference)
        .sort(),
    ).toEqual(['inv-1', 'inv-2']);
  });

  it('replays an accepted request even after routing would refuse it now; a new key gets the refusal', async () => {
    const { payouts, idempotency, clock } = setUp();
    const noRails = { get: async () => undefined };
    const withSandbox = createPayoutUseCase({
      payouts,
      idempotency,
      route: connectorRouting({ store: noRails, sandboxAvailable: true }),
      now: clock.now,
    });
    const withoutSandbox = createPayoutUseCase({
      payouts,
      idempotency,
      route: connectorRouting({ store: noRails, sandboxAvailable: false }),
      now: clock.now,
    });
    const accepted = await withSandbox(request('key-1', { reference: 'inv-1' }));
    expect(JSON.parse(accepted.response.body).connector).toBe('sandbox');

    expect(await withoutSandbox(request('key-1', { reference: 'inv-1' }))).toEqual({
      response: accepted.response,
      replayed: true,
    });
    const refused = await refusal(withoutSandbox(request('key-2', { reference: 'inv-2' })));
    expect([refused.statusCode, refused.code]).toEqual([400, 'unsupported_destination']);
  });
});
