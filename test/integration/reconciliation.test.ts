import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { keys } from '../../shared/adapters/dynamodb/keys.js';
import { createDynamoReconciliationStore } from '../../shared/adapters/dynamodb/reconciliation-store.js';
import { addSandboxLedgerEntry } from '../../shared/adapters/sandbox-statement.js';
import type { ReconciliationItem, ReconciliationOutcome } from '../../shared/domain/reconciliation.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

/**
 * Reconciliation against the sandbox's own ledger, end to end: a day with every outcome kind the
 * sandbox can produce gives exactly those outcomes and totals; a difference is resolved with a note.
 */
const ctx = withTestPlatform('reconciliation');
const today = new Date().toISOString().slice(0, 10);

async function final(id: string) {
  return eventually(
    async () => (await ctx.tenant.request('GET', `/v1/payouts/${id}`)).body,
    (payout) => ['paid', 'failed', 'returned'].includes(payout.status),
  );
}

async function payTo(email: string, amount = 2500) {
  const created = await ctx.tenant.createPayout(
    payoutBody({ amount, currency: 'EUR', destination: { type: 'email', email } }),
  );
  expect(created.status).toBe(201);
  return final(created.body.id);
}

async function csvAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return parse((await response.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
}

async function completed(runId: string) {
  return eventually(
    async () => (await ctx.tenant.request('GET', `/v1/reconciliation-runs/${runId}`)).body,
    (run) => run.status === 'completed' || run.status === 'failed',
  );
}

describe('reconciliation against the sandbox ledger', () => {
  it('finds every kind of difference of a day, with both sides’ totals, and lets a difference be resolved once', async () => {
    const matched = await payTo('ok@example.com', 2500);
    const wrongAmount = await payTo('ada+recon_amount_mismatch@example.com', 1000);
    const missing = await payTo('bob+recon_missing@example.com', 700);
    const failed = await payTo('cy+fail_account_closed@example.com', 300);
    const returnedThere = await payTo('dee@example.com', 400);
    expect([matched, wrongAmount, missing, returnedThere].map((payout) => payout.status)).toEqual([
      'paid',
      'paid',
      'paid',
      'paid',
    ]);
    expect(failed.status).toBe('failed');
    // The provider returns a transfer the platform never hears about (its webhook lost).
    await createDocumentClient().send(
      new UpdateCommand({
        TableName: ctx.platform.tableName,
        Key: keys.sandboxTransfer(returnedThere.id),
        UpdateExpression: 'SET returnsAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    // And moves money for no payout of ours.
    const stranger = await addSandboxLedgerEntry(
      { client: createDocumentClient(), table: ctx.platform.tableName },
      { tenantId: ctx.tenant.tenantId, amount: 9900, currency: 'EUR' },
    );

    const requested = await ctx.tenant.request('POST', '/v1/reconciliation-runs', {
      body: { connector: 'sandbox', date: today },
    });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({
      object: 'reconciliation_run',
      status: 'running',
      connector: 'sandbox',
      date: today,
    });
    expect(requested.body.id).toMatch(/^rr_/);

    const run = await completed(requested.body.id);
    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({
      matched: 2,
      pending: 0,
      missing_at_provider: 1,
      unknown_at_provider: 1,
      amount_mismatch: 1,
      status_mismatch: 1,
    });
    expect(run.differences).toBe(4);
    // Paid on our side: 2500 + 1000 + 700 + 400; at the provider: 2500 + 1001 + 9900 (the return left).
    expect(run.totals).toEqual([
      {
        currency: 'EUR',
        platform: { count: 4, amount: 4600, amount_decimal: '4600' },
        provider: { count: 3, amount: 13401, amount_decimal: '13401' },
      },
    ]);

    const all = (await ctx.tenant.request('GET', `/v1/reconciliation-runs/${run.id}/items?limit=50`)).body;
    // Differences first, in the order of the outcomes; every payout and the stranger's transfer once.
    expect(all.data.map((item: any) => item.outcome)).toEqual([
      'amount_mismatch',
      'status_mismatch',
      'missing_at_provider',
      'unknown_at_provider',
      'matched',
      'matched',
    ]);
    const byOutcome = (outcome: string) => all.data.filter((item: any) => item.outcome === outcome);
    expect(byOutcome('amount_mismatch')[0]).toMatchObject({
      id: wrongAmount.id,
      payout_id: wrongAmount.id,
      provider_reference: `sbx_${wrongAmount.id}`,
      platform: { amount: 1000, currency: 'EUR', status: 'paid' },
      provider: { amount: 1001, currency: 'EUR', status: 'paid', found_by: 'statement' },
      resolution: null,
    });
    expect(byOutcome('status_mismatch')[0]).toMatchObject({
      payout_id: returnedThere.id,
      platform: { status: 'paid' },
      provider: { status: 'returned' },
    });
    expect(byOutcome('missing_at_provider')[0]).toMatchObject({ payout_id: missing.id, provider: null });
    expect(byOutcome('unknown_at_provider')[0]).toMatchObject({
      payout_id: null,
      platform: null,
      provider_reference: stranger.outcome.providerReference,
      provider: { amount: 9900, currency: 'EUR', status: 'paid' },
    });
    expect(
      byOutcome('matched')
        .map((item: any) => item.payout_id)
        .sort(),
    ).toEqual([matched.id, failed.id].sort());

    // One outcome, page by page.
    const firstPage = (await ctx.tenant.request('GET', `/v1/reconciliation-runs/${run.id}/items?limit=1`))
      .body;
    expect(firstPage).toMatchObject({ has_more: true, next_cursor: wrongAmount.id });
    const second = (
      await ctx.tenant.request(
        'GET',
        `/v1/reconciliation-runs/${run.id}/items?limit=1&starting_after=${firstPage.next_cursor}`,
      )
    ).body;
    expect(second.data[0].outcome).toBe('status_mismatch');
    const onlyMatched = (
      await ctx.tenant.request('GET', `/v1/reconciliation-runs/${run.id}/items?outcome=matched`)
    ).body;
    expect(onlyMatched.data).toHaveLength(2);

    // Resolving: once, with a note; the payout is untouched.
    const resolved = await ctx.tenant.request(
      'POST',
      `/v1/reconciliation-runs/${run.id}/items/${wrongAmount.id}/resolve`,
      { body: { note: 'Bank fee of 0.01 charged by the provider; booked to fees.' } },
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolution).toMatchObject({
      note: 'Bank fee of 0.01 charged by the provider; booked to fees.',
      resolved_by: { type: 'api_key', id: ctx.tenant.apiKeyId },
    });
    const again = await ctx.tenant.request(
      'POST',
      `/v1/reconciliation-runs/${run.id}/items/${wrongAmount.id}/resolve`,
      { body: { note: 'Second try' } },
    );
    expect(again.status).toBe(400);
    expect(again.body.error.param).toBe('note');
    expect((await ctx.tenant.request('GET', `/v1/payouts/${wrongAmount.id}`)).body.version).toBe(
      wrongAmount.version,
    );

    // The completion is an event of the tenant's feed (and so a webhook).
    const events = await eventually(
      async () => (await ctx.tenant.request('GET', '/v1/events?limit=100')).body.data as any[],
      (feed) => feed.some((event) => event.type === 'reconciliation_run.completed'),
    );
    const completedEvent = events.find((event) => event.type === 'reconciliation_run.completed');
    expect(completedEvent.data.object).toMatchObject({ id: run.id, counts: run.counts });

    // The run's items as CSV (written before it said completed), and the payout report's new columns.
    const items = await csvAt(run.items_csv_url);
    expect(items.map((row) => row.outcome)).toEqual(all.data.map((item: any) => item.outcome));
    expect(items[0]).toMatchObject({
      item_id: wrongAmount.id,
      platform_amount: '10.00',
      provider_amount: '10.01',
      platform_currency: 'EUR',
    });
    // The items as they are now, as CSV: the resolution is in it (the run's own file predates it).
    const nowCsv = await fetch(
      `${ctx.platform.url}/v1/reconciliation-runs/${run.id}/items?format=csv&outcome=amount_mismatch`,
      { headers: { authorization: `Bearer ${ctx.tenant.apiKey}` } },
    );
    expect(nowCsv.status).toBe(200);
    expect(nowCsv.headers.get('content-disposition')).toBe(
      `attachment; filename="reconciliation-sandbox-${today}-${run.id}-amount_mismatch.csv"`,
    );
    const resolvedRows = parse((await nowCsv.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(items[0]?.resolution_note).toBe('');
    expect(resolvedRows.map((row) => [row.item_id, row.resolution_note])).toEqual([
      [wrongAmount.id, 'Bank fee of 0.01 charged by the provider; booked to fees.'],
    ]);
    expect(resolvedRows[0]?.resolved_by).toBe(`API key ${ctx.tenant.apiKeyId}`);
    const badFormat = await ctx.tenant.request('GET', `/v1/reconciliation-runs/${run.id}/items?format=xlsx`);
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.param).toBe('format');
    const report = await ctx.tenant.request('POST', '/v1/reports', {
      body: { created_gte: `${today}T00:00:00Z`, created_lt: new Date(Date.now() + 60_000).toISOString() },
    });
    const ready = await eventually(
      async () => (await ctx.tenant.request('GET', `/v1/reports/${report.body.id}`)).body,
      (candidate) => candidate.status === 'ready' || candidate.status === 'failed',
    );
    const rows = await csvAt(ready.download_url);
    const rowOf = (id: string) => rows.find((row) => row.payout_id === id);
    // Resolved above: the report says so; an unresolved difference keeps its outcome.
    expect(rowOf(wrongAmount.id)).toMatchObject({ reconciliation_status: 'resolved' });
    expect(rowOf(missing.id)).toMatchObject({ reconciliation_status: 'missing_at_provider' });
    expect(rowOf(matched.id)).toMatchObject({ reconciliation_status: 'matched' });
    expect(rowOf(missing.id)?.reconciled_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // Re-running the day is a new run, never a silent replacement.
    const rerun = await ctx.tenant.request('POST', '/v1/reconciliation-runs', {
      body: { connector: 'sandbox', date: today },
    });
    expect(rerun.body.id).not.toBe(run.id);
    const list = (await ctx.tenant.request('GET', '/v1/reconciliation-runs')).body.data as any[];
    expect(list.slice(0, 2).map((entry) => entry.id)).toEqual([rerun.body.id, run.id]);
    await completed(rerun.body.id);
  });

  it('refuses bad requests with the field named and creates nothing; another tenant’s run is not found', async () => {
    const before = (await ctx.tenant.request('GET', '/v1/reconciliation-runs?limit=100')).body.data.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ connector: 'stripe', date: today }, 'connector'],
      [{ connector: 'wire', date: today }, 'connector'],
      [{ connector: 'sandbox', date: '2026-13-01' }, 'date'],
      [{ connector: 'sandbox', date: '2026-02-30' }, 'date'],
      [{ connector: 'sandbox', date: '2999-01-01' }, 'date'],
      [{ connector: 'sandbox' }, 'date'],
    ];
    for (const [body, param] of cases) {
      const response = await ctx.tenant.request('POST', '/v1/reconciliation-runs', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect((await ctx.tenant.request('GET', '/v1/reconciliation-runs?limit=100')).body.data.length).toBe(
      before,
    );

    const mine = await ctx.tenant.request('POST', '/v1/reconciliation-runs', {
      body: { connector: 'sandbox', date: '2026-01-01' },
    });
    const other = await ctx.platform.newTenant('Other');
    expect((await other.request('GET', `/v1/reconciliation-runs/${mine.body.id}`)).status).toBe(404);
    expect((await other.request('GET', `/v1/reconciliation-runs/${mine.body.id}/items`)).status).toBe(404);
    expect((await ctx.tenant.request('GET', '/v1/reconciliation-runs/rr_nope')).status).toBe(400);
    await completed(mine.body.id);
  });
});

describe('the run store on DynamoDB: matched items in packs (D74)', () => {
  const item = (runId: string, key: string, outcome: ReconciliationOutcome): ReconciliationItem => ({
    runId,
    tenantId: 'ten_store',
    attempt: 1,
    key,
    outcome,
    platform: {
      payoutId: key,
      reference: `ref-${key}`,
      amount: 100,
      currency: 'EUR',
      status: 'paid',
      providerReference: `sbx_${key}`,
    },
    provider: {
      providerReference: `sbx_${key}`,
      amount: 100,
      currency: 'EUR',
      status: 'paid',
      createdAt: '2026-12-01T10:00:00.000Z',
      foundBy: 'statement',
    },
    resolution: null,
    version: 1,
  });

  it('lists singles then packs, page after page with the cursor it hands out, whatever the page size', async () => {
    const store = createDynamoReconciliationStore({
      client: createDocumentClient(),
      table: ctx.platform.tableName,
    });
    const run = { tenantId: 'ten_store', id: `rr_store_${Date.now()}`, attempt: 1 };
    const matched = Array.from({ length: 230 }, (_, index) => `po_m${String(index).padStart(3, '0')}`);
    await store.putItems([item(run.id, 'po_a', 'amount_mismatch'), item(run.id, 'po_p', 'pending')]);
    await store.putMatchedPack(
      run,
      1,
      matched.slice(0, 200).map((key) => item(run.id, key, 'matched')),
    );
    await store.putMatchedPack(
      run,
      2,
      matched.slice(200).map((key) => item(run.id, key, 'matched')),
    );
    const everything = ['po_a', 'po_p', ...matched];

    for (const [limit, outcome, expected] of [
      [7, undefined, everything],
      [100, undefined, everything],
      [1, 'pending', ['po_p']],
      [33, 'matched', matched],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listItems(run, { limit, outcome, startingAfter: cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((entry) => entry.key));
        cursor = page.nextCursor ?? undefined;
        expect(page.hasMore).toBe(cursor !== undefined);
      } while (cursor);
      expect(seen).toEqual(expected);
    }
    // A packed item reads back whole: its run, attempt and outcome restored.
    const first = await store.listItems(run, { limit: 1, outcome: 'matched' });
    expect(first.items[0]).toEqual(item(run.id, 'po_m000', 'matched'));
    const streamed: string[] = [];
    for await (const entry of store.streamItems(run)) streamed.push(entry.key);
    expect(streamed).toEqual(everything);

    // A later line changes a packed item: taken out once; the pack keeps the rest.
    expect((await store.takeFromPack(run, 2, 'po_m205'))?.key).toBe('po_m205');
    expect(await store.takeFromPack(run, 2, 'po_m205')).toBeUndefined();
    const rest = await store.listItems(run, {
      limit: 100,
      outcome: 'matched',
      startingAfter: 'matched:1:199',
    });
    expect(rest.items.map((entry) => entry.key)).toEqual(
      matched.slice(200).filter((key) => key !== 'po_m205'),
    );

    // A cursor of another list is refused naming starting_after (not a DynamoDB error, not a page
    // that silently skips): a pack cursor under another outcome, a difference's key under matched.
    for (const [outcome, startingAfter] of [
      ['pending', 'matched:1:0'],
      ['matched', 'po_a'],
    ] as const)
      await expect(store.listItems(run, { limit: 10, outcome, startingAfter })).rejects.toMatchObject({
        statusCode: 400,
        param: 'starting_after',
      });
    // A pack's own key names no item: an empty page, as any unknown key.
    expect(await store.listItems(run, { limit: 10, startingAfter: 'PACK#0000001' })).toMatchObject({
      items: [],
      hasMore: false,
    });

    await store.dropItems(run);
    expect((await store.listItems(run, { limit: 10 })).items).toEqual([]);
  });

  it('keeps the run of a day that began last, whatever order runs complete in', async () => {
    const store = createDynamoReconciliationStore({
      client: createDocumentClient(),
      table: ctx.platform.tableName,
    });
    const day = (runId: string, startedAt: string) => ({
      runId,
      connector: 'sandbox' as const,
      date: '2026-11-30',
      startedAt,
      completedAt: '2026-12-01T01:00:00.000Z',
    });
    await store.recordDayRun('ten_days', day('rr_later', '2026-12-01T00:30:00.000Z'));
    await store.recordDayRun('ten_days', day('rr_earlier', '2026-12-01T00:10:00.000Z'));
    await store.recordDayRun('ten_days', day('rr_later', '2026-12-01T00:30:00.000Z'));
    const found = await store.dayRunsOf('ten_days', [
      { connector: 'sandbox', date: '2026-11-30' },
      { connector: 'stripe', date: '2026-11-30' },
    ]);
    expect([...found.entries()].map(([key, run]) => [key, run.runId])).toEqual([
      ['sandbox#2026-11-30', 'rr_later'],
    ]);
  });
});
