import { describe, expect, it } from 'vitest';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import type { PayoutRepository } from '../../shared/ports/payout-repository.js';
import { createPayoutBody } from '../../shared/schemas/payout-request.js';
import { createPayoutUseCase } from '../../shared/use-cases/create-payout.js';
import { countItems, payoutBody, type TenantClient, withTestPlatform } from '../helpers/platform.js';

const ctx = withTestPlatform('idempotency');

/** What the create handler hands the use case for `raw` sent with `idempotencyKey`. */
function createInput(idempotencyKey: string, raw: Record<string, unknown> = payoutBody()) {
  return {
    tenantId: ctx.tenant.tenantId,
    idempotencyKey,
    rawBody: raw,
    body: createPayoutBody.parse(raw),
    source: 'api' as const,
  };
}

async function payoutsOf(client: TenantClient): Promise<{ id: string; reference: string }[]> {
  return (await client.request('GET', '/v1/payouts?limit=100')).body.data;
}

describe('concurrent identical requests', () => {
  it('50 at once with one key create exactly one payout; every success is that payout', async () => {
    const body = payoutBody();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => ctx.tenant.createPayout(body, 'burst-key')),
    );

    const created = responses.filter((response) => response.status === 201);
    const inFlight = responses.filter((response) => response.status === 409);
    expect(created.length + inFlight.length).toBe(50);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    expect(created.filter((response) => response.headers.get('idempotent-replayed') === null)).toHaveLength(
      1,
    );
    for (const response of inFlight) expect(response.body.error.code).toBe('idempotency_key_in_use');

    const stored = (await payoutsOf(ctx.tenant)).filter((payout) => payout.reference === body.reference);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).toBe(created[0]?.body.id);
  });

  it('50 at once with one reference and 50 different keys create exactly one payout', async () => {
    const body = payoutBody();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ctx.tenant.createPayout(body, `ref-race-${i}`)),
    );

    const created = responses.filter((response) => response.status === 201);
    expect(created).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 201)) {
      expect(response.status).toBe(409);
      expect(['reference_already_used', 'idempotency_key_in_use']).toContain(response.body.error.code);
    }
    expect(
      (await payoutsOf(ctx.tenant)).filter((payout) => payout.reference === body.reference),
    ).toHaveLength(1);
  });
});

describe('a crash at the worst moment', () => {
  it('a process that dies after the commit, before answering, is answered by the retry with the same payout', async () => {
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: ctx.platform.tableName });
    // The write commits, then the "process" dies before the response leaves.
    const crashingRepository: PayoutRepository = {
      ...adapters.payouts,
      async create(input) {
        await adapters.payouts.create(input);
        throw new Error('process killed after commit');
      },
    };
    const crashing = createPayoutUseCase({ payouts: crashingRepository, idempotency: adapters.idempotency });
    const healthy = createPayoutUseCase(adapters);
    const raw = payoutBody();
    const input = createInput('crash-key', raw);

    await expect(crashing(input)).rejects.toThrow('process killed after commit');
    const retry = await healthy(input);

    expect(retry.replayed).toBe(true);
    const payout = JSON.parse(retry.response.body);
    expect((await payoutsOf(ctx.tenant)).filter((p) => p.reference === raw.reference)).toEqual([
      expect.objectContaining({ id: payout.id }),
    ]);
  });

  it('a process that dies before the commit leaves nothing behind, and the retry creates the payout', async () => {
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: ctx.platform.tableName });
    const dyingRepository: PayoutRepository = {
      ...adapters.payouts,
      async create() {
        throw new Error('process killed before commit');
      },
    };
    const raw = payoutBody();
    const input = createInput('crash-before-key', raw);
    const before = await countItems(ctx.platform);

    await expect(createPayoutUseCase({ ...adapters, payouts: dyingRepository })(input)).rejects.toThrow();
    expect(await countItems(ctx.platform)).toBe(before);
    const retry = await createPayoutUseCase(adapters)(input);

    expect(retry.replayed).toBe(false);
    expect(retry.response.statusCode).toBe(201);
  });
});

describe('key expiry', () => {
  it('treats a key older than its expiry as new even if DynamoDB TTL has not removed it yet', async () => {
    const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: ctx.platform.tableName });
    const start = Date.now();
    const input = createInput('expiring-key');
    await createPayoutUseCase({ ...adapters, now: () => start })(input);

    const otherRaw = payoutBody();
    const otherRequest = createInput('expiring-key', otherRaw);

    await expect(
      createPayoutUseCase({ ...adapters, now: () => start + 71 * 3600_000 })(otherRequest),
    ).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    const afterExpiry = await createPayoutUseCase({ ...adapters, now: () => start + 73 * 3600_000 })(
      otherRequest,
    );
    expect(afterExpiry.replayed).toBe(false);
    expect(JSON.parse(afterExpiry.response.body).reference).toBe(otherRaw.reference);
  });
});
