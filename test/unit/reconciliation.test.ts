import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError } from '../../shared/domain/errors.js';
import { newPayout, type Payout, type PayoutStatus } from '../../shared/domain/payout.js';
import {
  classify,
  type DayRun,
  type ProviderRecord,
  RECONCILIATION_OUTCOMES,
  type ReconciliationItem,
  type ReconciliationMark,
  type ReconciliationRun,
  reconciliationOf,
} from '../../shared/domain/reconciliation.js';
import {
  dayKey,
  type LookedUpTransfer,
  type ProviderStatement,
  type ReconciliationStore,
} from '../../shared/ports/reconciliation.js';
import { reconciliationUseCase } from '../../shared/use-cases/reconciliation.js';

/**
 * The reconciliation use case against in-memory ports: the rules in milliseconds (the sandbox end to
 * end is test/integration/reconciliation.test.ts).
 */
const TENANT = 'ten_1';
const DAY = '2026-12-01';
const caller = { tenantId: TENANT, actor: { type: 'system' } as const, sourceIp: null, requestId: null };

function memoryStore() {
  const runs = new Map<string, ReconciliationRun>();
  const items = new Map<string, ReconciliationItem>();
  const marks = new Map<string, ReconciliationMark>();
  /** Matched items in packs, by `run#attempt#seq`, as the worker wrote them. */
  const packs = new Map<string, ReconciliationItem[]>();
  const dayRuns = new Map<string, DayRun>();
  const itemKey = (run: { id: string; attempt: number }, key: string) => `${run.id}#${run.attempt}#${key}`;
  const packKey = (run: { id: string; attempt: number }, seq: number) => `${run.id}#${run.attempt}#${seq}`;
  const packsOf = (run: { id: string; attempt: number }) =>
    [...packs.entries()]
      .filter(([key]) => key.startsWith(`${run.id}#${run.attempt}#`))
      .sort(([a], [b]) => Number(a.split('#')[2]) - Number(b.split('#')[2]))
      .flatMap(([, packed]) => packed);
  const ofAttempt = (run: { id: string; attempt: number }) => [
    ...[...items.values()]
      .filter((item) => item.runId === run.id && item.attempt === run.attempt)
      .sort(
        (a, b) =>
          RECONCILIATION_OUTCOMES.indexOf(a.outcome) - RECONCILIATION_OUTCOMES.indexOf(b.outcome) ||
          a.key.localeCompare(b.key),
      ),
    ...packsOf(run),
  ];
  const store: ReconciliationStore = {
    async create(run) {
      runs.set(run.id, run);
    },
    get: async (_tenant, id) => runs.get(id),
    list: async () => ({ items: [...runs.values()].reverse(), hasMore: false }),
    async save({ current, next }) {
      if (runs.get(current.id)?.version !== current.version) throw new ConcurrentModificationError();
      runs.set(next.id, next);
    },
    async putItems(page) {
      for (const item of page) items.set(itemKey({ id: item.runId, attempt: item.attempt }, item.key), item);
    },
    async putMatchedPack(run, seq, page) {
      packs.set(packKey(run, seq), [...page]);
    },
    async takeFromPack(run, seq, key) {
      const packed = packs.get(packKey(run, seq)) ?? [];
      const taken = packed.find((item) => item.key === key);
      packs.set(
        packKey(run, seq),
        packed.filter((item) => item !== taken),
      );
      return taken;
    },
    async listItems(run, query) {
      const all = ofAttempt(run).filter((item) => !query.outcome || item.outcome === query.outcome);
      const from = query.startingAfter ? all.findIndex((item) => item.key === query.startingAfter) + 1 : 0;
      const hasMore = all.length > from + query.limit;
      const page = all.slice(from, from + query.limit);
      return { items: page, hasMore, nextCursor: hasMore ? (page.at(-1)?.key ?? null) : null };
    },
    async *streamItems(run) {
      yield* ofAttempt(run);
    },
    async replaceItem({ previous, next }) {
      items.delete(itemKey({ id: previous.runId, attempt: previous.attempt }, previous.key));
      items.set(itemKey({ id: next.runId, attempt: next.attempt }, next.key), next);
    },
    async dropItems(run) {
      for (const item of ofAttempt(run)) items.delete(itemKey(run, item.key));
      for (const key of packs.keys()) if (key.startsWith(`${run.id}#${run.attempt}#`)) packs.delete(key);
    },
    getItem: async (run, outcome, key) => {
      const item = items.get(itemKey(run, key));
      return item?.outcome === outcome ? item : undefined;
    },
    async saveItem({ current, next }) {
      const key = itemKey({ id: current.runId, attempt: current.attempt }, current.key);
      if (items.get(key)?.version !== current.version) throw new ConcurrentModificationError();
      items.set(key, next);
    },
    async markPayouts(_tenant, list) {
      for (const mark of list) marks.set(mark.payoutId, mark);
    },
    marksOf: async () => new Map(marks),
    async recordDayRun(_tenant, dayRun) {
      const key = dayKey(dayRun.connector, dayRun.date);
      const recorded = dayRuns.get(key);
      if (!recorded || recorded.startedAt <= dayRun.startedAt) dayRuns.set(key, dayRun);
    },
    dayRunsOf: async () => new Map(dayRuns),
  };
  return { store, runs, items, packs, marks, dayRuns, ofAttempt };
}

function payout(reference: string, status: PayoutStatus, amount = 1000, extra: Partial<Payout> = {}): Payout {
  const created = newPayout({
    id: `po_${reference}`,
    tenantId: TENANT,
    request: {
      amount,
      currency: 'EUR',
      destination: { type: 'email', email: `${reference}@example.com` },
      reference,
      purpose: 'refund',
    } as never,
    source: 'api',
    now: `${DAY}T10:00:00.000Z`,
    connector: 'sandbox',
  });
  return {
    ...created,
    status,
    providerReference: status === 'queued' ? null : `sbx_po_${reference}`,
    ...extra,
  };
}

const record = (id: string, amount = 1000, status: ProviderRecord['status'] = 'paid'): ProviderRecord => ({
  providerReference: `sbx_${id}`,
  payoutId: id,
  amount,
  currency: 'EUR',
  status,
  createdAt: `${DAY}T10:00:01.000Z`,
});

function setUp(input: {
  payouts: Payout[];
  pages: ProviderRecord[][];
  lookups?: Record<string, LookedUpTransfer>;
  failOnPage?: number;
}) {
  const memory = memoryStore();
  const looked: string[] = [];
  const statement: ProviderStatement = {
    async *records() {
      for (const [index, page] of input.pages.entries()) {
        if (input.failOnPage === index) throw new Error('provider unavailable');
        yield page;
      }
    },
    async lookup(payout) {
      looked.push(payout.id);
      return input.lookups?.[payout.id];
    },
  };
  const byId = new Map(input.payouts.map((entry) => [entry.id, entry]));
  const use = reconciliationUseCase({
    runs: memory.store,
    payouts: {
      getMany: async (_tenant, ids) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as Payout] : [])),
      // The day's payouts, as the listing answers them (created within the range).
      async *stream(_tenant, filter) {
        yield* input.payouts.filter(
          (entry) =>
            (!filter.createdGte || entry.createdAt >= filter.createdGte) &&
            (!filter.createdLt || entry.createdAt < filter.createdLt),
        );
      },
    },
    statements: async () => statement,
    connectorsOf: async () => ['sandbox'],
    now: () => Date.parse(`${DAY}T23:00:00.000Z`) + 86_400_000,
  });
  return { use, memory, looked };
}

describe('classify', () => {
  const ours = { payoutId: 'po_1', reference: 'r', amount: 100, currency: 'EUR', providerReference: 'x' };
  it('puts a wrong amount first, then in-flight, then the states', () => {
    expect(
      classify({ ...ours, status: 'processing' }, { amount: 101, currency: 'EUR', status: 'pending' }),
    ).toBe('amount_mismatch');
    expect(classify({ ...ours, status: 'paid' }, { amount: 100, currency: 'USD', status: 'paid' })).toBe(
      'amount_mismatch',
    );
    expect(
      classify({ ...ours, status: 'processing' }, { amount: 100, currency: 'EUR', status: 'paid' }),
    ).toBe('pending');
    expect(classify({ ...ours, status: 'paid' }, { amount: 100, currency: 'EUR', status: 'pending' })).toBe(
      'pending',
    );
    expect(classify({ ...ours, status: 'paid' }, { amount: 100, currency: 'EUR', status: 'returned' })).toBe(
      'status_mismatch',
    );
    expect(classify({ ...ours, status: 'failed' }, { amount: 100, currency: 'EUR', status: 'paid' })).toBe(
      'status_mismatch',
    );
    expect(
      classify({ ...ours, status: 'returned' }, { amount: 100, currency: 'EUR', status: 'returned' }),
    ).toBe('matched');
  });
  it('compares only the states when a lookup did not say the amount', () => {
    expect(classify({ ...ours, status: 'paid' }, { amount: null, currency: null, status: 'paid' })).toBe(
      'matched',
    );
  });
  it('one side only: in flight is pending, failed needs nothing, money out is missing, money in is unknown', () => {
    expect(classify({ ...ours, status: 'processing' }, null)).toBe('pending');
    expect(classify({ ...ours, status: 'failed' }, null)).toBe('matched');
    expect(classify({ ...ours, status: 'paid' }, null)).toBe('missing_at_provider');
    expect(classify({ ...ours, status: 'returned' }, null)).toBe('missing_at_provider');
    expect(classify(null, { amount: 5, currency: 'EUR', status: 'paid' })).toBe('unknown_at_provider');
    expect(classify(null, { amount: 5, currency: 'EUR', status: 'failed' })).toBe('unknown_at_provider');
  });
});

describe('the payout report’s reconciliation columns (reconciliationOf, D74)', () => {
  const dayRun: DayRun = {
    runId: 'rr_2',
    connector: 'sandbox',
    date: DAY,
    startedAt: '2026-12-02T00:15:00.000Z',
    completedAt: '2026-12-02T00:16:00.000Z',
  };
  const unchanged = { status: 'paid' as const, updatedAt: '2026-12-01T10:00:05.000Z' };
  const mark = (outcome: ReconciliationMark['outcome'], at: string, resolvedAt?: string) => ({
    outcome,
    runId: 'rr_x',
    at,
    ...(resolvedAt ? { resolvedAt } : {}),
  });

  it('a payout the day’s run compared and wrote no mark for is matched, as of the run', () => {
    expect(reconciliationOf(unchanged, undefined, dayRun)).toEqual({
      status: 'matched',
      at: '2026-12-02T00:16:00.000Z',
    });
  });
  it('a mark from that run or later says what it says; resolved once resolved', () => {
    expect(reconciliationOf(unchanged, mark('amount_mismatch', '2026-12-02T00:15:30.000Z'), dayRun)).toEqual({
      status: 'amount_mismatch',
      at: '2026-12-02T00:15:30.000Z',
    });
    expect(
      reconciliationOf(
        unchanged,
        mark('amount_mismatch', '2026-12-02T00:15:30.000Z', '2026-12-02T09:00:00.000Z'),
        dayRun,
      )?.status,
    ).toBe('resolved');
    // A later day's statement named it (no day run of its own day yet).
    expect(reconciliationOf(unchanged, mark('matched', '2026-12-03T00:15:30.000Z'), undefined)?.status).toBe(
      'matched',
    );
  });
  it('a mark older than the day’s latest run is replaced by what that run found', () => {
    expect(reconciliationOf(unchanged, mark('pending', '2026-12-01T23:00:00.000Z'), dayRun)?.status).toBe(
      'matched',
    );
  });
  it('nothing for a payout that changed since the run began, or was never in a reconciled status', () => {
    expect(reconciliationOf({ ...unchanged, updatedAt: '2026-12-02T00:15:01.000Z' }, undefined, dayRun)).toBe(
      undefined,
    );
    expect(reconciliationOf({ ...unchanged, status: 'pending_approval' }, undefined, dayRun)).toBe(undefined);
    expect(reconciliationOf(unchanged, undefined, undefined)).toBe(undefined);
  });
  it('a matched or pending mark holds only while the payout is unchanged; a difference holds until resolved', () => {
    // Created on the day, booked the next: the next day's statement named it (mark matched); the money
    // came back days later. The report must not say matched for a returned payout.
    const returnedLater = { status: 'returned' as const, updatedAt: '2026-12-05T09:00:00.000Z' };
    expect(reconciliationOf(returnedLater, mark('matched', '2026-12-03T00:15:30.000Z'), dayRun)).toBe(
      undefined,
    );
    expect(reconciliationOf(returnedLater, mark('pending', '2026-12-03T00:15:30.000Z'), dayRun)).toBe(
      undefined,
    );
    expect(
      reconciliationOf(returnedLater, mark('amount_mismatch', '2026-12-03T00:15:30.000Z'), dayRun)?.status,
    ).toBe('amount_mismatch');
  });
});

describe('a reconciliation run', () => {
  it('names each provider record’s payout, looks up only what the statement left out, and counts both sides', async () => {
    const paid = payout('a', 'paid', 1000);
    const inFlight = payout('b', 'processing', 500);
    const bookedYesterday = payout('c', 'paid', 700);
    const refusedEarly = payout('d', 'failed', 300, { providerReference: null });
    const elsewhere = payout('e', 'paid', 200, { connector: 'stripe' });
    const awaiting = payout('f', 'pending_approval', 900);
    const matchedByReference = payout('g', 'paid', 400);
    const { use, looked, memory } = setUp({
      payouts: [paid, inFlight, bookedYesterday, refusedEarly, elsewhere, awaiting, matchedByReference],
      pages: [
        // A transfer and its reversal line name the same payout: compared once.
        [record(paid.id, 1000), record(paid.id, 1000)],
        [
          { ...record('x', 5000), payoutId: null, providerReference: 'sbx_stranger' },
          { ...record('y', 400), payoutId: null, providerReference: 'sbx_po_g' },
        ],
      ],
      lookups: {
        [bookedYesterday.id]: {
          providerReference: 'sbx_po_c',
          status: 'paid',
          amount: 700,
          currency: 'EUR',
          createdAt: `${DAY}T00:00:00.000Z`,
        },
      },
    });
    const requested = await use.request(caller, { connector: 'sandbox', date: DAY });
    const run = await use.run(TENANT, requested.id);

    expect(run.status).toBe('completed');
    expect(run.counts).toEqual({
      amount_mismatch: 0,
      status_mismatch: 0,
      missing_at_provider: 0,
      unknown_at_provider: 1,
      pending: 1,
      matched: 4,
    });
    // Only the paid payout the statement did not name was asked for, once.
    expect(looked).toEqual([bookedYesterday.id]);
    expect(run.totals).toEqual([
      {
        currency: 'EUR',
        platform: { count: 3, amount: 2100, amount_decimal: '2100' },
        provider: { count: 4, amount: 7100, amount_decimal: '7100' },
      },
    ]);
    const items = await use.items(TENANT, run.id, { limit: 10 });
    expect(items.data.map((item) => [item.outcome, item.id])).toEqual([
      ['unknown_at_provider', 'ext_sbx_stranger'],
      ['pending', inFlight.id],
      // Matched items in the order they were compared (they are written in packs, D74).
      ['matched', paid.id],
      ['matched', refusedEarly.id],
      ['matched', matchedByReference.id],
      ['matched', bookedYesterday.id],
    ]);
    expect(items.data.find((item) => item.id === bookedYesterday.id)?.provider?.found_by).toBe('lookup');
    // Matched items went into a pack, the rest are items of their own; only the pending payout has a
    // mark (the report reads "matched" from the day's run, recorded as completed).
    expect([...memory.packs.values()].flat().map((item) => item.key)).toEqual([
      paid.id,
      refusedEarly.id,
      matchedByReference.id,
      bookedYesterday.id,
    ]);
    expect([...memory.items.values()].map((item) => item.outcome)).toEqual([
      'pending',
      'unknown_at_provider',
    ]);
    expect([...memory.marks.entries()].map(([id, mark]) => [id, mark.outcome])).toEqual([
      [inFlight.id, 'pending'],
    ]);
    expect(memory.dayRuns.get(`sandbox#${DAY}`)).toMatchObject({
      runId: run.id,
      completedAt: run.completed_at,
    });
  });

  it('pages through matched items across packs with the cursor it hands out', async () => {
    const many = Array.from({ length: 450 }, (_, index) =>
      payout(`m${String(index).padStart(3, '0')}`, 'paid'),
    );
    const { use, memory } = setUp({ payouts: many, pages: [many.map((entry) => record(entry.id))] });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);
    expect(run.counts?.matched).toBe(450);
    // 200 to a pack: three packs, no single items.
    expect([...memory.packs.values()].map((pack) => pack.length)).toEqual([200, 200, 50]);
    expect(memory.items.size).toBe(0);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await use.items(TENANT, run.id, {
        limit: 100,
        outcome: 'matched',
        starting_after: cursor,
      });
      seen.push(...page.data.map((item) => item.id));
      cursor = page.next_cursor ?? undefined;
      expect(page.has_more).toBe(cursor !== undefined);
    } while (cursor);
    expect(seen).toEqual(many.map((entry) => entry.id));
  });

  it('a worker that died mid-run starts a new attempt whose items are the only ones read', async () => {
    const paid = payout('a', 'paid');
    const later = payout('b', 'paid');
    const pages = [[record(paid.id)], [record(later.id, 999)]];
    const { use, memory } = setUp({ payouts: [paid, later], pages, failOnPage: 1 });
    const requested = await use.request(caller, { connector: 'sandbox', date: DAY });
    await expect(use.run(TENANT, requested.id)).rejects.toThrow('provider unavailable');
    expect(memory.runs.get(requested.id)).toMatchObject({ status: 'running', attempt: 1 });

    // The redelivered message: the same run, attempt 2, the provider answering again.
    const retry = setUp({ payouts: [paid, later], pages });
    for (const [id, run] of memory.runs) retry.memory.runs.set(id, run);
    for (const [key, item] of memory.items) retry.memory.items.set(key, item);
    // What the dead attempt had written before it died (its first page).
    await retry.memory.store.putItems([
      {
        runId: requested.id,
        tenantId: TENANT,
        attempt: 1,
        key: paid.id,
        outcome: 'pending',
        platform: null,
        provider: null,
        resolution: null,
        version: 1,
      },
    ]);
    expect(retry.memory.items.size).toBe(1);
    const run = await retry.use.run(TENANT, requested.id);
    expect(run.status).toBe('completed');
    expect(retry.memory.runs.get(requested.id)?.attempt).toBe(2);
    const items = await retry.use.items(TENANT, run.id, { limit: 10 });
    expect(items.data.map((item) => item.outcome)).toEqual(['amount_mismatch', 'matched']);
    // The dead attempt's items are gone; only the completed attempt's remain (its matched one packed).
    expect([...retry.memory.items.values()].map((item) => [item.attempt, item.outcome])).toEqual([
      [2, 'amount_mismatch'],
    ]);
    expect(retry.memory.ofAttempt({ id: requested.id, attempt: 2 }).map((item) => item.key)).toEqual([
      later.id,
      paid.id,
    ]);
    // A completed run is left alone by a late duplicate message.
    expect((await retry.use.run(TENANT, requested.id)).completed_at).toBe(run.completed_at);
  });

  it('a return booked on a later statement page wins over the transfer line before it', async () => {
    const returned = payout('a', 'paid', 1000);
    const kept = payout('b', 'paid', 1000);
    const { use, memory } = setUp({
      payouts: [returned, kept],
      // Adyen books the money coming back as its own transaction: here on the next page.
      pages: [[record(returned.id), record(kept.id)], [record(returned.id, 1000, 'returned')]],
    });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);

    expect(run.counts).toMatchObject({ matched: 1, status_mismatch: 1 });
    // The provider's side no longer counts the returned transfer as money out; ours still does.
    expect(run.totals).toEqual([
      {
        currency: 'EUR',
        platform: { count: 2, amount: 2000, amount_decimal: '2000' },
        provider: { count: 1, amount: 1000, amount_decimal: '1000' },
      },
    ]);
    const items = await use.items(TENANT, run.id, { limit: 10 });
    expect(items.data.map((item) => [item.outcome, item.id, item.provider?.status])).toEqual([
      ['status_mismatch', returned.id, 'returned'],
      ['matched', kept.id, 'paid'],
    ]);
    expect(memory.marks.get(returned.id)?.outcome).toBe('status_mismatch');
    // Taken out of its pack: listed once, as the difference.
    expect([...memory.packs.values()].flat().map((item) => item.key)).toEqual([kept.id]);
  });

  it('a line naming a payout of another day is compared by key and marked; one naming none of ours is unknown', async () => {
    const today = payout('t', 'paid', 1000);
    const yesterday = payout('y', 'paid', 700, { createdAt: '2026-11-30T22:00:00.000Z' });
    const { use, memory } = setUp({
      payouts: [today, yesterday],
      pages: [[record(today.id), record(yesterday.id, 700)], [record('po_not_ours', 300)]],
    });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);
    expect(run.counts).toMatchObject({ matched: 2, unknown_at_provider: 1, missing_at_provider: 0 });
    expect(run.progress.payouts).toBe(2);
    // Its own day's run cannot tell the report about the payout of another day: it has a mark.
    expect(memory.marks.get(yesterday.id)?.outcome).toBe('matched');
    expect(memory.marks.has(today.id)).toBe(false);
  });

  it('a return on a later page finds a difference still waiting to be written (review, D74)', async () => {
    // The transfer line (pending here, paid there) is a single item not yet flushed when the return
    // line arrives: the return must still reach it.
    const paid = payout('b', 'paid', 1000);
    const { use, memory } = setUp({
      payouts: [paid],
      pages: [[record(paid.id, 1000, 'pending')], [record(paid.id, 1000, 'returned')]],
    });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);
    expect(run.counts).toMatchObject({ status_mismatch: 1, pending: 0, matched: 0 });
    expect(memory.marks.get(paid.id)?.outcome).toBe('status_mismatch');
    // Our payout already says returned, and so does the provider's later line: they agree.
    const back = payout('a', 'returned', 1000);
    const again = setUp({
      payouts: [back],
      pages: [[record(back.id)], [record(back.id, 1000, 'returned')]],
    });
    const agreed = await again.use.run(
      TENANT,
      (await again.use.request(caller, { connector: 'sandbox', date: DAY })).id,
    );
    expect(agreed.counts).toMatchObject({ matched: 1, status_mismatch: 0 });
  });

  it('resolves a difference once, with who and why, and never a matched line', async () => {
    const wrong = payout('a', 'paid', 1000);
    const fine = payout('b', 'paid', 1000);
    const { use } = setUp({ payouts: [wrong, fine], pages: [[record(wrong.id, 1001), record(fine.id)]] });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);

    const resolved = await use.resolve(caller, run.id, wrong.id, 'Provider fee of one cent');
    expect(resolved.resolution).toMatchObject({
      note: 'Provider fee of one cent',
      resolved_by: { type: 'system' },
    });
    await expect(use.resolve(caller, run.id, wrong.id, 'again')).rejects.toMatchObject({ param: 'note' });
    await expect(use.resolve(caller, run.id, fine.id, 'nothing to resolve')).rejects.toMatchObject({
      code: 'resource_missing',
    });
  });

  it('answers the items of a filter as CSV, resolutions included, and refuses over 10,000 naming outcome', async () => {
    const many = Array.from({ length: 10_001 }, (_, index) => payout(`c${index}`, 'paid'));
    const wrong = payout('w', 'paid', 1000);
    const { use } = setUp({
      payouts: [wrong, ...many],
      pages: [[record(wrong.id, 1001), ...many.map((entry) => record(entry.id))]],
    });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);
    await use.resolve(caller, run.id, wrong.id, 'Provider fee of one cent');

    const differences = await use.itemsCsv(TENANT, run.id, 'amount_mismatch');
    expect(differences.fileName).toBe(`reconciliation-sandbox-${DAY}-${run.id}-amount_mismatch.csv`);
    const lines = differences.csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/,resolved_by,resolution_note,resolved_at$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${wrong.id},amount_mismatch,.*,system,Provider fee of one cent,\\d{4}-`),
    );
    await expect(use.itemsCsv(TENANT, run.id)).rejects.toMatchObject({ param: 'outcome' });
  });

  it('refuses items whose CSV would not fit one response (long notes), naming outcome', async () => {
    // 5,500 rows, far under 10,000, each with a note of 1,000 characters: over 5 MB.
    const wrong = Array.from({ length: 5_500 }, (_, index) => payout(`n${index}`, 'paid'));
    const { use, memory } = setUp({
      payouts: wrong,
      pages: [wrong.map((entry) => record(entry.id, 1001))],
    });
    const run = await use.run(TENANT, (await use.request(caller, { connector: 'sandbox', date: DAY })).id);
    // Resolved as `resolve` stores it (one by one through the use case takes seconds here).
    const resolution = {
      by: { type: 'system' as const },
      note: 'x'.repeat(1000),
      at: `${DAY}T12:00:00.000Z`,
    };
    for (const [key, item] of memory.items) memory.items.set(key, { ...item, resolution });
    await expect(use.itemsCsv(TENANT, run.id, 'amount_mismatch')).rejects.toMatchObject({
      statusCode: 400,
      param: 'outcome',
      message: expect.stringContaining('more than 5 MB'),
    });
  });

  it('refuses a rail the tenant does not have and a day still to come, creating nothing', async () => {
    const { use, memory } = setUp({ payouts: [], pages: [] });
    await expect(use.request(caller, { connector: 'stripe', date: DAY })).rejects.toMatchObject({
      param: 'connector',
    });
    await expect(use.request(caller, { connector: 'sandbox', date: '2999-01-01' })).rejects.toMatchObject({
      param: 'date',
    });
    expect(memory.runs.size).toBe(0);
  });
});
