import type { ConnectorName } from '../domain/connectors.js';
import type { Payout } from '../domain/payout.js';
import type {
  DayRun,
  ProviderRecord,
  ProviderRecordStatus,
  ReconciliationItem,
  ReconciliationMark,
  ReconciliationOutcome,
  ReconciliationRun,
} from '../domain/reconciliation.js';
import type { Page } from './payout-repository.js';

/** Reconciliation runs and their items. Every change of a run or an item is a conditional write. */
export interface ReconciliationStore {
  create(run: ReconciliationRun): Promise<void>;
  get(tenantId: string, runId: string): Promise<ReconciliationRun | undefined>;
  /** Newest first. */
  list(tenantId: string, query: { limit: number; startingAfter?: string }): Promise<Page<ReconciliationRun>>;
  /** @throws ConcurrentModificationError when the stored run is not at `current.version` */
  save(input: { current: ReconciliationRun; next: ReconciliationRun }): Promise<void>;
  /**
   * Writes single items of an attempt (BatchWriteItem): every outcome but `matched`. Keys are the
   * item's attempt and key, so writing the same items again (a redelivered page) rewrites them.
   */
  putItems(items: readonly ReconciliationItem[]): Promise<void>;
  /**
   * Writes a pack of matched items of an attempt as one stored record (D74: a day is mostly matched
   * lines, and one write per line was the run's bound). `seq` numbers the attempt's packs from 1;
   * writing a pack again rewrites it.
   */
  putMatchedPack(run: RunRef, seq: number, items: readonly ReconciliationItem[]): Promise<void>;
  /**
   * Takes the matched item `key` out of pack `seq` (a later statement line changed it); returns it, or
   * undefined when the pack does not hold it.
   */
  takeFromPack(run: RunRef, seq: number, key: string): Promise<ReconciliationItem | undefined>;
  /**
   * Items of an attempt, differences first (the outcome order of RECONCILIATION_OUTCOMES), then by
   * key (matched items: pack after pack); `outcome` narrows to one. `startingAfter` is a page's
   * `nextCursor` (an opaque string), or the id of a single item.
   */
  listItems(
    run: RunRef,
    query: { limit: number; outcome?: ReconciliationOutcome; startingAfter?: string },
  ): Promise<Page<ReconciliationItem> & { nextCursor: string | null }>;
  /** Deletes every item and pack of an attempt (one a crashed worker left half-written). */
  dropItems(run: RunRef): Promise<void>;
  /** Every item of an attempt, in listing order, page after page (exports). */
  streamItems(run: RunRef): AsyncIterable<ReconciliationItem>;
  /** A single item (any outcome but `matched`, which lives in packs). */
  getItem(run: RunRef, outcome: ReconciliationOutcome, key: string): Promise<ReconciliationItem | undefined>;
  /**
   * Puts `next` in place of `previous` (an item a later statement line changed): the outcome is part
   * of the key, so the previous item is deleted when its key differs.
   */
  replaceItem(input: { previous: ReconciliationItem; next: ReconciliationItem }): Promise<void>;
  /** @throws ConcurrentModificationError when the stored item is not at `current.version` */
  saveItem(input: { current: ReconciliationItem; next: ReconciliationItem }): Promise<void>;
  /**
   * Marks each payout with its reconciliation outcome (for the payout report): a separate item beside
   * the payout, so reconciling never writes the payout itself.
   */
  markPayouts(tenantId: string, marks: readonly ({ payoutId: string } & ReconciliationMark)[]): Promise<void>;
  /** The marks of many payouts (unknown ids left out). */
  marksOf(tenantId: string, payoutIds: readonly string[]): Promise<Map<string, ReconciliationMark>>;
  /**
   * Records a completed run as its connector and day's latest, unless a run that began later is
   * recorded already (a conditional write: runs of one day may complete out of order).
   */
  recordDayRun(tenantId: string, dayRun: DayRun): Promise<void>;
  /** The recorded latest runs of these connector-days (`connector#date` keys; unknown ones left out). */
  dayRunsOf(
    tenantId: string,
    days: readonly { connector: string; date: string }[],
  ): Promise<Map<string, DayRun>>;
}

/** Which run (and attempt) items belong to. */
export type RunRef = Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>;

/** The key of a connector-day in `dayRunsOf`'s answer. */
export const dayKey = (connector: string, date: string) => `${connector}#${date}`;

/** What a provider says about one payout's transfer when asked directly (not on the day's statement). */
export interface LookedUpTransfer {
  providerReference: string;
  status: ProviderRecordStatus;
  /** Null when the provider's lookup does not say (the item then compares states only). */
  amount: number | null;
  currency: string | null;
  createdAt: string | null;
}

/** A provider's own records, for one tenant's account on one connector. */
export interface ProviderStatement {
  /** The records of a UTC day (`YYYY-MM-DD`), page by page: never the whole day in memory. */
  records(date: string): AsyncIterable<ProviderRecord[]>;
  /** The provider's record of one payout's transfer, by the keys the connector sent; undefined if none. */
  lookup(payout: Payout): Promise<LookedUpTransfer | undefined>;
}

/** The statement of a tenant's connector (its credentials opened), as the worker needs it. */
export type StatementResolver = (tenantId: string, connector: ConnectorName) => Promise<ProviderStatement>;
