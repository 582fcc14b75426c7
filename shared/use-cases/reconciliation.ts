import { actorLabel, type Caller, SYSTEM, stampFor } from '../domain/audit.js';
import type { ConnectorName } from '../domain/connectors.js';
import { ConcurrentModificationError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { formatMinorUnits } from '../domain/money.js';
import { oneAhead } from '../domain/parallel.js';
import type { Payout } from '../domain/payout.js';
import {
  classify,
  DIFFERENCES,
  dayRange,
  type PlatformSide,
  type ProviderRecord,
  type ProviderSide,
  platformSideOf,
  RECONCILED_STATUSES,
  type ReconciliationItem,
  type ReconciliationOutcome,
  type ReconciliationRun,
  runTally,
} from '../domain/reconciliation.js';
import { CSV_DOWNLOAD_MAX_BYTES, csvLine } from '../domain/reports.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import type { LookedUpTransfer, ReconciliationStore, StatementResolver } from '../ports/reconciliation.js';
import type { ReportFiles } from '../ports/report-store.js';
import { toItemResource, toRunResource } from '../schemas/reconciliation-resource.js';

/** A provider record as the provider's side of an item. */
const providerSideOf = (record: ProviderRecord): ProviderSide => ({
  providerReference: record.providerReference,
  amount: record.amount,
  currency: record.currency,
  status: record.status,
  createdAt: record.createdAt,
  foundBy: 'statement',
});

const lookedUpSide = (found: LookedUpTransfer): ProviderSide => ({ ...found, foundBy: 'lookup' });

/** An item's key: the payout id, or the provider's reference for money no payout of ours explains. */
const keyOf = (platform: PlatformSide | null, provider: ProviderSide | null) =>
  platform ? platform.payoutId : `ext_${provider?.providerReference ?? ''}`;

/** Where a run's items CSV lives (the reports bucket, under the tenant's prefix). */
const itemsFileKey = (run: Pick<ReconciliationRun, 'tenantId' | 'id'>) =>
  `tenants/${run.tenantId}/reconciliation/${run.id}.csv`;

export const ITEM_COLUMNS = [
  'item_id',
  'outcome',
  'payout_id',
  'reference',
  'provider_reference',
  'platform_amount',
  'platform_currency',
  'platform_status',
  'provider_amount',
  'provider_currency',
  'provider_status',
  'provider_created_at',
  'found_by',
  'resolved_by',
  'resolution_note',
  'resolved_at',
] as const;

/** The most rows `itemsCsv` answers in one request (the whole run is the run's items file). */
export const ITEMS_CSV_MAX = 10_000;

const amountOf = (amount: number | null | undefined, currency: string | null | undefined) =>
  amount === null || amount === undefined || !currency ? '' : formatMinorUnits(amount, currency);

/** One item as a CSV row (amounts as decimals with the currency's exponent, like the payout report). */
export function itemCsvRow(item: ReconciliationItem): string {
  return csvLine([
    item.key,
    item.outcome,
    item.platform?.payoutId,
    item.platform?.reference,
    item.provider?.providerReference ?? item.platform?.providerReference,
    amountOf(item.platform?.amount, item.platform?.currency),
    item.platform?.currency,
    item.platform?.status,
    amountOf(item.provider?.amount, item.provider?.currency),
    item.provider?.currency,
    item.provider?.status,
    item.provider?.createdAt,
    item.provider?.foundBy,
    item.resolution && actorLabel(item.resolution.by),
    item.resolution?.note,
    item.resolution?.at,
  ]);
}

/** Items are written in pages of this many; progress is saved every PROGRESS_EVERY compared lines. */
const PAGE = 500;
/**
 * Matched items go out packed this many to a stored record (D74), or fewer when their text passes
 * PACK_BYTES (DynamoDB items hold 400 KB).
 */
const PACK_ITEMS = 200;
const PACK_BYTES = 300_000;
const PROGRESS_EVERY = 5_000;
/** Lookups of payouts not on the day's statement, in flight at once. */
const LOOKUPS_IN_FLIGHT = 8;

/**
 * Reconciliation runs (D71). A request writes a `pending` run; its stream record starts the worker
 * through the outbox (`reconciliation_run.requested`); the worker compares the provider's statement of
 * the day with the day's payouts and completes the run (`reconciliation_run.completed`, a webhook).
 *
 * The worker holds one entry per payout it has compared (their ids, to skip them in the second pass)
 * and the provider records that name no payout; everything else streams through in pages. Matched
 * items (most of a day) are written in packs, and only a payout whose outcome the day's run does not
 * tell the report gets a mark of its own (D74).
 */
export function reconciliationUseCase(deps: {
  runs: ReconciliationStore;
  payouts: Pick<PayoutRepository, 'stream' | 'getMany'>;
  /** The worker's: each connector's statement (the API functions never read one). */
  statements?: StatementResolver;
  /** Where a completed run's items CSV goes (the reports bucket) and how it is downloaded. */
  files?: ReportFiles;
  /** Which connectors a tenant can reconcile (configured, or the sandbox where offered). */
  connectorsOf: (tenantId: string) => Promise<readonly ConnectorName[]>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function existing(tenantId: string, runId: string): Promise<ReconciliationRun> {
    const run = await deps.runs.get(tenantId, runId);
    if (!run) throw new NotFoundError('reconciliation_run', runId);
    return run;
  }

  async function save(current: ReconciliationRun, change: Partial<ReconciliationRun>) {
    const next = {
      ...current,
      ...change,
      updatedAt: new Date(now()).toISOString(),
      version: current.version + 1,
    };
    await deps.runs.save({ current, next });
    return next;
  }

  async function newRun(
    tenantId: string,
    input: { connector: ConnectorName; date: string },
    trigger: ReconciliationRun['trigger'],
    caller?: Caller,
  ): Promise<ReconciliationRun> {
    const available = await deps.connectorsOf(tenantId);
    if (!available.includes(input.connector))
      throw new ValidationError([
        {
          param: 'connector',
          message: `is not set up for this account (set up: ${available.join(', ') || 'none'})`,
        },
      ]);
    const time = now();
    if (input.date > new Date(time).toISOString().slice(0, 10))
      throw new ValidationError([{ param: 'date', message: 'must be today or earlier (a UTC day)' }]);
    const at = new Date(time).toISOString();
    return {
      id: newId('rr', time),
      tenantId,
      connector: input.connector,
      date: input.date,
      status: 'pending',
      trigger,
      requestedBy: caller?.actor ?? SYSTEM,
      attempt: 0,
      counts: null,
      totals: null,
      progress: { providerRecords: 0, payouts: 0 },
      failure: null,
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      completedAt: null,
      ...(caller ? { lastAction: stampFor(caller, 'reconciliation_run.request', time) } : {}),
      version: 1,
    };
  }

  /** Compares one attempt; returns the completed run. */
  async function compare(started: ReconciliationRun): Promise<ReconciliationRun> {
    let run = started;
    const { tenantId } = run;
    if (!deps.statements) throw new Error('reconciliation: this function has no statements wired');
    const statement = await deps.statements(tenantId, run.connector);
    const tally = runTally();
    /**
     * The payouts compared so far: the outcome of those with a single item, the pack number of the
     * matched ones (to take one out again when a later line says its money came back).
     */
    const compared = new Map<string, ReconciliationOutcome | number>();
    /** Money that came back for a payout compared on an earlier page (Adyen books it apart). */
    const laterReturns = new Map<string, ProviderRecord>();
    /** Provider records that name no payout: matched by provider reference in the second pass. */
    const unnamed = new Map<string, ProviderRecord>();
    let singles: ReconciliationItem[] = [];
    /** Payouts whose outcome needs a mark of its own (the report cannot read it from the day's run). */
    let marks: { payoutId: string; outcome: ReconciliationOutcome }[] = [];
    let pack: ReconciliationItem[] = [];
    let packBytes = 0;
    let packSeq = 1;
    let sinceProgress = 0;
    const progress = { ...run.progress };

    const writePack = async () => {
      if (pack.length === 0) return;
      const [items, seq] = [pack, packSeq];
      pack = [];
      packBytes = 0;
      packSeq += 1;
      await deps.runs.putMatchedPack(run, seq, items);
    };
    const flush = async (force = false) => {
      if (!force && singles.length + marks.length < PAGE) return;
      const [page, marked] = [singles, marks];
      singles = [];
      marks = [];
      const at = new Date(now()).toISOString();
      // The items and the payouts' marks are independent writes: both at once.
      await Promise.all([
        page.length > 0 && deps.runs.putItems(page),
        marked.length > 0 &&
          deps.runs.markPayouts(
            tenantId,
            marked.map((mark) => ({ ...mark, runId: run.id, at })),
          ),
      ]);
    };
    const saveProgress = async () => {
      if (sinceProgress < PROGRESS_EVERY) return;
      sinceProgress = 0;
      run = await save(run, { progress: { ...progress } });
    };
    /**
     * Adds an item. `marked`: its payout needs a mark even when matched (a payout created on another
     * day than the run's, whose own day's run the report reads).
     */
    const add = async (platform: PlatformSide | null, provider: ProviderSide | null, marked = false) => {
      const item: ReconciliationItem = {
        runId: run.id,
        tenantId,
        attempt: run.attempt,
        key: keyOf(platform, provider),
        outcome: classify(platform, provider),
        platform,
        provider,
        resolution: null,
        version: 1,
      };
      tally.add(item);
      sinceProgress += 1;
      if (platform && (item.outcome !== 'matched' || marked))
        marks.push({ payoutId: platform.payoutId, outcome: item.outcome });
      if (item.outcome === 'matched') {
        if (platform) compared.set(platform.payoutId, packSeq);
        pack.push(item);
        packBytes += JSON.stringify(item).length;
        if (pack.length >= PACK_ITEMS || packBytes >= PACK_BYTES) await writePack();
      } else {
        if (platform) compared.set(platform.payoutId, item.outcome);
        singles.push(item);
      }
      await flush();
      await saveProgress();
    };

    // Pass 1: the provider's statement of the day, each record to the payout it names.
    // The statement's next page is read while this one is compared.
    for await (const records of oneAhead(statement.records(run.date))) {
      progress.providerRecords += records.length;
      const named = [
        ...new Set(
          records.flatMap((record) =>
            record.payoutId && !compared.has(record.payoutId) ? [record.payoutId] : [],
          ),
        ),
      ];
      const payouts = new Map(
        (await deps.payouts.getMany(tenantId, named)).map((payout) => [payout.id, payout]),
      );
      for (const record of records) {
        const payout = record.payoutId ? payouts.get(record.payoutId) : undefined;
        if (!payout) {
          if (record.payoutId && compared.has(record.payoutId)) {
            if (record.status === 'returned') laterReturns.set(record.payoutId, record);
            continue;
          }
          if (!unnamed.has(record.providerReference)) unnamed.set(record.providerReference, record);
          continue;
        }
        // A transfer and its reversal are two lines of one payout: compared once (the statement
        // merges a page's lines of one transfer; a return on a later page is applied at the end).
        if (compared.has(payout.id)) {
          if (record.status === 'returned') laterReturns.set(payout.id, record);
          continue;
        }
        progress.payouts += 1;
        await add(platformSideOf(payout), providerSideOf(record), payout.createdAt.slice(0, 10) !== run.date);
      }
    }

    // Pass 2: the day's payouts on this rail the statement did not name.
    const { from, until } = dayRange(run.date);
    let lookups: Payout[] = [];
    const lookUp = async () => {
      const batch = lookups;
      lookups = [];
      const found: (LookedUpTransfer | undefined)[] = new Array(batch.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, batch.length) }, async () => {
          while (next < batch.length) {
            const index = next++;
            found[index] = await statement.lookup(batch[index] as Payout);
          }
        }),
      );
      for (const [index, payout] of batch.entries()) {
        const transfer = found[index];
        await add(platformSideOf(payout), transfer ? lookedUpSide(transfer) : null);
      }
    };
    for await (const payout of deps.payouts.stream(tenantId, { createdGte: from, createdLt: until })) {
      if ((payout.connector ?? 'sandbox') !== run.connector) continue;
      if (!RECONCILED_STATUSES.includes(payout.status) || compared.has(payout.id)) continue;
      progress.payouts += 1;
      const byReference = payout.providerReference ? unnamed.get(payout.providerReference) : undefined;
      if (byReference) {
        unnamed.delete(byReference.providerReference);
        await add(platformSideOf(payout), providerSideOf(byReference));
      } else if (
        payout.status === 'processing' ||
        (payout.status === 'failed' && !payout.providerReference)
      ) {
        // In flight (pending until the next day), or refused before it reached the provider.
        await add(platformSideOf(payout), null);
      } else {
        lookups.push(payout);
        if (lookups.length >= PAGE) await lookUp();
      }
    }
    await lookUp();

    // What is left of the statement explains no payout: money moved that we did not ask for.
    for (const record of unnamed.values()) await add(null, providerSideOf(record));
    // Every item is stored before a later return looks it up (one still in `singles` would be missed).
    await writePack();
    await flush(true);
    // A later line saying the money came back wins over the transfer's own line.
    for (const [payoutId, record] of laterReturns) {
      const where = compared.get(payoutId);
      const previous =
        typeof where === 'number'
          ? await deps.runs.takeFromPack(run, where, payoutId)
          : where
            ? await deps.runs.getItem(run, where, payoutId)
            : undefined;
      if (!previous || previous.provider?.status === 'returned') continue;
      const provider: ProviderSide = { ...(previous.provider ?? providerSideOf(record)), status: 'returned' };
      const next: ReconciliationItem = {
        ...previous,
        provider,
        outcome: classify(previous.platform, provider),
      };
      tally.remove(previous);
      tally.add(next);
      if (typeof where === 'number') singles.push(next);
      else await deps.runs.replaceItem({ previous, next });
      marks.push({ payoutId, outcome: next.outcome });
    }
    await flush(true);
    // The items file, written before the run says completed (so a completed run always has it).
    if (deps.files) {
      const ref = run;
      const items = deps.runs.streamItems(ref);
      await deps.files.upload(
        itemsFileKey(ref),
        (async function* () {
          yield `\uFEFF${csvLine(ITEM_COLUMNS)}`;
          let chunk = '';
          for await (const item of items) {
            chunk += itemCsvRow(item);
            if (chunk.length > 64 * 1024) {
              yield chunk;
              chunk = '';
            }
          }
          if (chunk) yield chunk;
        })(),
        'text/csv; charset=utf-8',
      );
    }
    const completed = await save(run, {
      status: 'completed',
      counts: tally.counts,
      totals: tally.totals(),
      progress,
      completedAt: new Date(now()).toISOString(),
    });
    await recordDayRun(completed);
    return completed;
  }

  /** The payout report reads "matched" from the latest completed run of a connector and day (D74). */
  async function recordDayRun(run: ReconciliationRun) {
    if (run.status !== 'completed' || !run.startedAt || !run.completedAt) return;
    await deps.runs.recordDayRun(run.tenantId, {
      runId: run.id,
      connector: run.connector,
      date: run.date,
      startedAt: run.startedAt,
      completedAt: run.completedAt,
    });
  }

  return {
    async request(caller: Caller, input: { connector: ConnectorName; date: string }) {
      const run = await newRun(caller.tenantId, input, 'request', caller);
      await deps.runs.create(run);
      return toRunResource(run);
    },

    /** The nightly run of one connector for one day: requested once, however often the schedule fires. */
    async requestNightly(tenantId: string, connector: ConnectorName, date: string) {
      const recent = await deps.runs.list(tenantId, { limit: 50 });
      const already = recent.items.find(
        (run) => run.trigger === 'scheduled' && run.connector === connector && run.date === date,
      );
      if (already) return toRunResource(already);
      const run = await newRun(tenantId, { connector, date }, 'scheduled');
      await deps.runs.create(run);
      return toRunResource(run);
    },

    connectorsOf: deps.connectorsOf,

    async get(tenantId: string, runId: string) {
      const run = await existing(tenantId, runId);
      const resource = toRunResource(run);
      if (run.status !== 'completed' || !deps.files) return resource;
      return {
        ...resource,
        items_csv_url: await deps.files.downloadUrl(
          itemsFileKey(run),
          `reconciliation-${run.connector}-${run.date}-${run.id}.csv`,
        ),
      };
    },

    async list(tenantId: string, query: { limit: number; starting_after?: string }) {
      const page = await deps.runs.list(tenantId, {
        limit: query.limit,
        startingAfter: query.starting_after,
      });
      const data = page.items.map(toRunResource);
      return {
        object: 'list' as const,
        data,
        has_more: page.hasMore,
        next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
      };
    },

    async items(
      tenantId: string,
      runId: string,
      query: { limit: number; outcome?: ReconciliationOutcome; starting_after?: string },
    ) {
      const run = await existing(tenantId, runId);
      if (run.status !== 'completed')
        return { object: 'list' as const, data: [], has_more: false, next_cursor: null };
      const page = await deps.runs.listItems(run, {
        limit: query.limit,
        outcome: query.outcome,
        startingAfter: query.starting_after,
      });
      return {
        object: 'list' as const,
        data: page.items.map(toItemResource),
        has_more: page.hasMore,
        next_cursor: page.nextCursor,
      };
    },

    /**
     * The items of a completed run as a CSV file, as they are now: resolutions included (the run's
     * items file is written when it completes, before anyone resolved anything). Differences are
     * few; a filter of more than ITEMS_CSV_MAX items, or of more than 5 MB of CSV, is refused, naming
     * `outcome`.
     */
    async itemsCsv(tenantId: string, runId: string, outcome?: ReconciliationOutcome) {
      const run = await existing(tenantId, runId);
      const rows = [`\uFEFF${csvLine(ITEM_COLUMNS)}`];
      let bytes = 0;
      const tooMany = (what: string) =>
        new ValidationError([
          { param: 'outcome', message: `${what}: choose an outcome, or download the run's items file` },
        ]);
      let cursor: string | undefined;
      if (run.status === 'completed')
        do {
          const page = await deps.runs.listItems(run, { limit: 500, outcome, startingAfter: cursor });
          for (const item of page.items) {
            const row = itemCsvRow(item);
            rows.push(row);
            bytes += Buffer.byteLength(row);
          }
          if (rows.length > ITEMS_CSV_MAX + 1)
            throw tooMany(`matches more than ${ITEMS_CSV_MAX.toLocaleString('en')} items`);
          // Long resolution notes can make fewer rows too big for one response.
          if (bytes > CSV_DOWNLOAD_MAX_BYTES) throw tooMany('makes a file of more than 5 MB');
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      return {
        csv: rows.join(''),
        fileName: `reconciliation-${run.connector}-${run.date}-${run.id}${outcome ? `-${outcome}` : ''}.csv`,
      };
    },

    /**
     * A person resolves a difference with a note: who and why are kept on the item and audited.
     * Resolving never changes a payout; an item is resolved once.
     */
    async resolve(caller: Caller, runId: string, itemId: string, note: string) {
      const run = await existing(caller.tenantId, runId);
      let item: ReconciliationItem | undefined;
      if (run.status === 'completed')
        for (const outcome of DIFFERENCES) {
          item = await deps.runs.getItem(run, outcome, itemId);
          if (item) break;
        }
      if (!item) throw new NotFoundError('reconciliation_item', itemId);
      if (item.resolution)
        throw new ValidationError([{ param: 'note', message: 'this difference is already resolved' }]);
      const time = now();
      const next: ReconciliationItem = {
        ...item,
        resolution: { by: caller.actor, note, at: new Date(time).toISOString() },
        lastAction: stampFor(caller, 'reconciliation_item.resolve', time),
        version: item.version + 1,
      };
      try {
        await deps.runs.saveItem({ current: item, next });
      } catch (error) {
        if (error instanceof ConcurrentModificationError)
          throw new ValidationError([
            { param: 'note', message: 'this difference was just resolved by someone else' },
          ]);
        throw error;
      }
      // The payout report says `resolved` from now on, unless a later run compared the payout since.
      const payoutId = item.platform?.payoutId;
      if (payoutId) {
        const mark = (await deps.runs.marksOf(caller.tenantId, [payoutId])).get(payoutId);
        if (mark?.runId === run.id)
          await deps.runs.markPayouts(caller.tenantId, [
            { ...mark, payoutId, resolvedAt: next.resolution?.at },
          ]);
      }
      return toItemResource(next);
    },

    /**
     * The worker. A pending run starts attempt 1; a run found `running` (a crashed or timed-out
     * worker, a redelivered message) starts the next attempt from the beginning, under new item keys,
     * so the items read are always one whole attempt's. A completed or failed run is left alone.
     */
    async run(tenantId: string, runId: string) {
      const run = await existing(tenantId, runId);
      if (run.status === 'completed') {
        // A redelivered message after a worker stopped between completing and recording the day.
        await recordDayRun(run);
        return toRunResource(run);
      }
      if (run.status === 'failed') return toRunResource(run);
      let started: ReconciliationRun;
      try {
        started = await save(run, {
          status: 'running',
          attempt: run.attempt + 1,
          progress: { providerRecords: 0, payouts: 0 },
          startedAt: new Date(now()).toISOString(),
        });
      } catch (error) {
        if (error instanceof ConcurrentModificationError)
          return toRunResource(await existing(tenantId, runId));
        throw error;
      }
      // What earlier attempts wrote is never read: it goes (an attempt that died while dropping
      // leaves its predecessors, so every earlier one is swept; an empty one costs one Query).
      for (let attempt = 1; attempt < started.attempt; attempt++)
        await deps.runs.dropItems({ tenantId, id: runId, attempt });
      return toRunResource(await compare(started));
    },

    /** Marks a run failed (its worker gave up): finance sees why instead of waiting. */
    async fail(tenantId: string, runId: string, reason: string) {
      const run = await existing(tenantId, runId);
      if (run.status === 'completed' || run.status === 'failed') return;
      await save(run, { status: 'failed', failure: reason });
    },
  };
}

export type Reconciliation = ReturnType<typeof reconciliationUseCase>;
