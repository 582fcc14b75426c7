import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ApiResponse, payoutBody, withTestPlatform } from '../helpers/platform.js';

const context = withTestPlatform('rate-limits');

/** The one-second windows a burst touched, from its first request to its last answer. */
const windowsBetween = (startMs: number, endMs: number) =>
  Math.floor(endMs / 1000) - Math.floor(startMs / 1000) + 1;

describe('per-tenant rate limits', () => {
  it('answers 429 rate_limited with Retry-After above the creation limit, and stores nothing for it', async () => {
    const { platform } = context;
    const tenant = await platform.newTenant('Limited');
    await platform.admin.setLimits(tenant.tenantId, { createPerSecond: 3 });

    // A burst of 20 spread over 7 or more seconds (a loaded machine) could all fit in the limit:
    // burst again until one is refused; each burst stays within the limit of the seconds it spans.
    const created: ApiResponse[] = [];
    const limited: ApiResponse[] = [];
    for (let burst = 0; burst < 5 && limited.length === 0; burst++) {
      const started = Date.now();
      const answers = await Promise.all(Array.from({ length: 20 }, () => tenant.createPayout(payoutBody())));
      const windows = windowsBetween(started, Date.now());
      const burstCreated = answers.filter((answer) => answer.status === 201);
      const burstLimited = answers.filter((answer) => answer.status === 429);
      expect(burstCreated.length + burstLimited.length).toBe(20);
      expect(burstCreated.length).toBeLessThanOrEqual(3 * windows);
      created.push(...burstCreated);
      limited.push(...burstLimited);
    }
    expect(created.length).toBeGreaterThan(0);
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
    expect(limited[0]?.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limited',
      message: expect.stringContaining('3 per second'),
      request_id: expect.any(String),
    });
    // A refused request changed nothing: only the created payouts exist.
    const listed = (await tenant.request('GET', '/v1/payouts?limit=100')).body.data;
    expect(listed).toHaveLength(created.length);

    // The next second has room again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await tenant.createPayout(payoutBody())).status).toBe(201);
  });

  it('limits listing separately, and one tenant’s burst leaves another tenant alone', async () => {
    const { platform } = context;
    const busy = await platform.newTenant('Busy');
    const quiet = await platform.newTenant('Quiet');
    await platform.admin.setLimits(busy.tenantId, { listPerSecond: 2 });

    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        busy.request('GET', ['/v1/payouts', '/v1/events', '/v1/payout-batches'][index % 3] as string),
      ),
    );
    const windows = windowsBetween(started, Date.now());
    const ok = answers.filter((answer) => answer.status === 200).length;
    expect(ok).toBeLessThanOrEqual(2 * windows);
    expect(answers.filter((answer) => answer.status === 429).length).toBe(12 - ok);
    // Creating is a separate budget, and other tenants have their own.
    expect((await busy.createPayout(payoutBody())).status).toBe(201);
    expect((await quiet.request('GET', '/v1/payouts')).status).toBe(200);
  });

  it('CLI: shows the defaults, sets limits, and refuses a bad value naming the option', async () => {
    const { platform } = context;
    const tenant = await platform.newTenant('Configured');
    const cli = (...args: string[]) =>
      promisify(execFile)(
        'npx',
        [
          'tsx',
          'cli/payouts.ts',
          '--table',
          platform.tableName,
          'tenants',
          'limits',
          '--tenant',
          tenant.tenantId,
          ...args,
        ],
        {
          env: process.env,
        },
      );
    expect((await cli()).stdout).toContain('100 creations/s, 100 listings/s');
    expect((await cli('--create-per-second', '250')).stdout).toContain('250 creations/s, 100 listings/s');
    expect((await platform.admin.getTenant(tenant.tenantId))?.limits).toEqual({ createPerSecond: 250 });
    const refused = await cli('--list-per-second', '0').catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--list-per-second must be a whole number from 1 to 1000');
  }, 60_000);
});
