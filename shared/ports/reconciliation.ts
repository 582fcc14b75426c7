import type { ConnectorName } from '../domain/connectors.js';
import type { Payout } from '../domain/payout.js';
import type {
  ProviderRecord,
  ProviderRecordStatus,
  ReconciliationItem,
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
   * Writes items of an attempt (BatchWriteItem). Keys are the item's attempt and key, so writing the
   * same items again (a redelivered page) rewrites them in place.
   */
  putItems(items: readonly ReconciliationItem[]): Promise<void>;
  /**
   * Items of an attempt, differences first (the outcome order of RECONCILIATION_OUTCOMES), then by
   * key; `outcome` narrows to one. `startingAfter` is the `cursor` of the last item of a page.
   */
  listItems(
    run: Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>,
    query: { limit: number; outcome?: ReconciliationOutcome; startingAfter?: string },
  ): Promise<Page<ReconciliationItem>>;
  /** Deletes every item of an attempt (one a crashed worker left half-written). */
  dropItems(run: Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>): Promise<void>;
  /** Every item of an attempt, in listing order, page after page (exports). */
  streamItems(run: Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>): AsyncIterable<ReconciliationItem>;
  getItem(
    run: Pick<ReconciliationRun, 'tenantId' | 'id' | 'attempt'>,
    outcome: ReconciliationOutcome,
    key: string,
  ): Promise<ReconciliationItem | undefined>;
  /**
   * Puts `next` in place of `previous` (an item a later statement line changed): the outcome is part
   * of the key, so the previous item is deleted when its key differs.
   */
  replaceItem(input: { previous: ReconciliationItem; next: ReconciliationItem }): Promise<void>;
  /** @throws ConcurrentModificationError when the stored item is not at `current.version` */
  saveItem(input: { current: ReconciliationItem; next: ReconciliationItem }): Promise<void>;
  /**
   * Marks each payout with its latest reconciliation outcome (for the payout report): a separate
   * item beside the payout, so reconciling never writes the payout itself.
   */
  markPayouts(tenantId: string, marks: readonly ({ payoutId: string } & ReconciliationMark)[]): Promise<void>;
  /** The marks of many payouts (unknown ids left out). */
  marksOf(tenantId: string, payoutIds: readonly string[]): Promise<Map<string, ReconciliationMark>>;
}

/**
 * A payout's latest reconciliation (the payout report's columns): the outcome of the latest run that
 * compared it, and when a person resolved that difference, if they did.
 */
export type ReconciliationMark = {
  outcome: ReconciliationOutcome;
  runId: string;
  at: string;
  resolvedAt?: string;
};

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
