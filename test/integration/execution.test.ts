import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { createSandboxProvider } from '../../shared/adapters/sandbox-provider.js';
import { LeaseHeldError } from '../../shared/domain/execution.js';
import { type PayoutProvider, ProviderTimeoutError } from '../../shared/ports/payout-provider.js';
import { executePayoutUseCase } from '../../shared/use-cases/execute-payout.js';
import { payoutBody, withTestPlatform } from '../helpers/platform.js';

const ctx = withTestPlatform('execution');
const LEASE_SECONDS = 30;

function fixture(wrap: (provider: PayoutProvider) => PayoutProvider = (provider) => provider) {
  const client = createDocumentClient();
  const table = ctx.platform.tableName;
  let time = Date.now();
  const provider = createSandboxProvider({ client, table, slowMs: 10 });
  const execute = executePayoutUseCase({
    payouts: ctx.platform.adapters.payouts,
    provider: wrap(provider),
    leaseSeconds: LEASE_SECONDS,
    now: () => time,
  });
  return {
    execute,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
    async ledger(payoutId: string) {
      const { Item } = await client.send(
        new GetCommand({ TableName: table, Key: keys.sandboxTransfer(payoutId) }),
      );
      return Item;
    },
    async create(overrides: Record<string, unknown> = {}) {
      const response = await ctx.tenant.createPayout(payoutBody(overrides));
      expect(response.status).toBe(201);
      return response.body.id as string;
    },
    payout: (id: string) => ctx.platform.adapters.payouts.get(ctx.tenant.tenantId, id),
  };
}

/** Wraps the provider to count the transfers asked of it. */
function countingTransfers() {
  const counter = {
    calls: 0,
    wrap: (provider: PayoutProvider): PayoutProvider => ({
      ...provider,
      async createTransfer(request) {
        counter.calls += 1;
        return provider.createTransfer(request);
      },
    }),
  };
  return counter;
}

const email = (tag: string) => ({ destination: { type: 'email', email: `ada+${tag}@example.com` } });

describe('executing a payout', () => {
  it('pays a queued payout once, with the provider reference and time', async () => {
    const f = fixture();
    const id = await f.create();

    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('paid');

    expect(await f.payout(id)).toMatchObject({ status: 'paid', providerReference: `sbx_${id}`, version: 3 });
    expect((await f.payout(id))?.paidAt).toBeTruthy();
    expect(await f.ledger(id)).toMatchObject({
      idempotencyKey: id,
      amount: 1050,
      outcome: { status: 'paid' },
    });
  });

  it.each([
    ['fail_account_closed', 'account_closed'],
    ['fail_insufficient_funds', 'insufficient_funds'],
  ])('fails a payout tagged +%s with failure_code %s', async (tag, code) => {
    const f = fixture();
    const id = await f.create(email(tag));

    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('failed');
    expect(await f.payout(id)).toMatchObject({ status: 'failed', failureCode: code, paidAt: null });
  });

  it('resolves a provider timeout by asking about the key, paying once', async () => {
    const f = fixture();
    const id = await f.create({
      destination: {
        type: 'bank_account',
        account_holder_name: 'Ada +timeout',
        iban: 'DE89370400440532013000',
      },
    });

    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('paid');
    expect((await f.ledger(id))?.outcome.status).toBe('paid');
  });

  it('skips a redelivered message for a payout already paid, and moves no more money', async () => {
    const counter = countingTransfers();
    const f = fixture(counter.wrap);
    const id = await f.create();

    await f.execute(ctx.tenant.tenantId, id);
    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('skipped');
    expect(counter.calls).toBe(1);
  });

  it('never executes a canceled payout', async () => {
    const f = fixture();
    const id = await f.create();
    await ctx.tenant.request('POST', `/v1/payouts/${id}/cancel`);

    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('skipped');
    expect(await f.ledger(id)).toBeUndefined();
  });
});

describe('a crash at the worst moment', () => {
  it('an executor killed after the provider call, before the status write: the next attempt finds the transfer', async () => {
    let killed = false;
    const f = fixture((provider) => ({
      ...provider,
      async createTransfer(request) {
        const outcome = await provider.createTransfer(request);
        if (!killed) {
          killed = true;
          throw new Error('executor killed after the provider call');
        }
        return outcome;
      },
    }));
    const id = await f.create();

    await expect(f.execute(ctx.tenant.tenantId, id)).rejects.toThrow('killed');
    expect(await f.payout(id)).toMatchObject({ status: 'processing', execution: { attempts: 1 } });

    // The redelivered message finds the lease still held, and comes back later.
    await expect(f.execute(ctx.tenant.tenantId, id)).rejects.toBeInstanceOf(LeaseHeldError);
    f.advance(LEASE_SECONDS + 1);
    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('paid');

    expect(await f.payout(id)).toMatchObject({ status: 'paid', execution: { attempts: 2 } });
    expect((await f.ledger(id))?.outcome.status).toBe('paid');
  });

  it('an outcome that stays unknown is retried with the same key, never as a new transfer', async () => {
    const keysSeen: string[] = [];
    let timeouts = 0;
    const f = fixture((provider) => ({
      ...provider,
      async createTransfer(request) {
        keysSeen.push(request.idempotencyKey);
        if (timeouts++ === 0) throw new ProviderTimeoutError(request.idempotencyKey); // lost before reaching the ledger
        return provider.createTransfer(request);
      },
    }));
    const id = await f.create();

    await expect(f.execute(ctx.tenant.tenantId, id)).rejects.toBeInstanceOf(ProviderTimeoutError);
    f.advance(LEASE_SECONDS + 1);
    expect(await f.execute(ctx.tenant.tenantId, id)).toBe('paid');
    expect(keysSeen).toEqual([id, id]);
  });

  it('ten copies of the message at once end in exactly one transfer', async () => {
    const counter = countingTransfers();
    const f = fixture(counter.wrap);
    const id = await f.create();

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => f.execute(ctx.tenant.tenantId, id)),
    );

    expect(results.filter((result) => result.status === 'fulfilled' && result.value === 'paid')).toHaveLength(
      1,
    );
    expect(counter.calls).toBe(1);
    expect((await f.payout(id))?.status).toBe('paid');
  });
});
