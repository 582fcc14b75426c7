import {
  ConcurrentModificationError,
  IdempotencyKeyTakenError,
  ReferenceTakenError,
} from '../../shared/domain/errors.js';
import { isSettled, type Payout, type PayoutStatus } from '../../shared/domain/payout.js';
import { matchesSearch } from '../../shared/domain/payout-search.js';
import type {
  IdempotencyRecord,
  ListPayoutsFilter,
  Page,
  PayoutRepository,
} from '../../shared/ports/payout-repository.js';
import { MemoryIdempotencyStore } from './memory-idempotency.js';
import { newestFirstPage } from './newest-first.js';
import { InFlightTransactions } from './transactions.js';

/**
 * {@link PayoutRepository} in memory, with the DynamoDB adapter's contract
 * (shared/adapters/dynamodb/payout-repository.ts):
 * - `create` is one transaction of the idempotency record and the payout: a live key throws
 *   IdempotencyKeyTakenError carrying the stored record (checked first: a retry fails on both), an
 *   existing payout id (its reference) ReferenceTakenError, a transaction in flight on either item
 *   WriteConflictError; nothing is written unless both conditions hold.
 * - `transition` writes only if the stored payout still has `current`'s status and version, else
 *   ConcurrentModificationError.
 * - listings are newest first by `{createdAt}#{id}`, `created_lt` exclusive, an unknown cursor gives
 *   an empty page, `hasMore` exact.
 * Stored payouts are copies: a caller mutating an object it passed or got back changes nothing stored.
 */
export class MemoryPayoutRepository implements PayoutRepository {
  private readonly items = new Map<string, Payout>();

  constructor(
    readonly idempotency: MemoryIdempotencyStore = new MemoryIdempotencyStore(),
    private readonly transactions: InFlightTransactions = new InFlightTransactions(),
  ) {}

  /** Arrange: stores a payout as it is, unconditionally (a test's given state). */
  seed(...payouts: Payout[]): void {
    for (const payout of payouts) this.items.set(slot(payout.tenantId, payout.id), structuredClone(payout));
  }

  /** Every stored payout of a tenant (assertions), in no particular order. */
  all(tenantId: string): Payout[] {
    return [...this.items.values()].filter((payout) => payout.tenantId === tenantId).map(copy);
  }

  create(input: { payout: Payout; idempotency: IdempotencyRecord }): Promise<void> {
    const { payout, idempotency } = input;
    const payoutItem = `payout:${slot(payout.tenantId, payout.id)}`;
    return this.transactions.run([MemoryIdempotencyStore.itemOf(idempotency), payoutItem], () => {
      const liveKey = this.idempotency.blocking(idempotency, payout.createdAt);
      if (liveKey) throw new IdempotencyKeyTakenError(liveKey);
      if (this.items.has(slot(payout.tenantId, payout.id))) throw new ReferenceTakenError(payout.id);
      this.idempotency.put(idempotency);
      this.items.set(slot(payout.tenantId, payout.id), structuredClone(payout));
    });
  }

  async createIfAbsent(
    payout: Payout,
  ): Promise<{ created: true } | { created: false; batchId: string | null }> {
    const existing = this.items.get(slot(payout.tenantId, payout.id));
    if (existing) return { created: false, batchId: existing.batchId ?? null };
    this.items.set(slot(payout.tenantId, payout.id), structuredClone(payout));
    return { created: true };
  }

  async statusesOf(tenantId: string, payoutIds: readonly string[]): Promise<PayoutStatus[]> {
    return this.found(tenantId, payoutIds).map((payout) => payout.status);
  }

  async batchesOf(tenantId: string, payoutIds: readonly string[]): Promise<Map<string, string | null>> {
    return new Map(this.found(tenantId, payoutIds).map((payout) => [payout.id, payout.batchId ?? null]));
  }

  async get(tenantId: string, payoutId: string): Promise<Payout | undefined> {
    const payout = this.items.get(slot(tenantId, payoutId));
    return payout && copy(payout);
  }

  async getMany(tenantId: string, payoutIds: readonly string[]): Promise<Payout[]> {
    return this.found(tenantId, payoutIds).map(copy);
  }

  async list(tenantId: string, filter: ListPayoutsFilter): Promise<Page<Payout>> {
    return newestFirstPage(this.matching(tenantId, filter), {
      timeOf: (payout) => payout.createdAt,
      limit: filter.limit,
      startingAfter: filter.startingAfter,
      cursorOf: (id) => this.items.get(slot(tenantId, id)),
    });
  }

  async *stream(
    tenantId: string,
    filter: Omit<ListPayoutsFilter, 'limit' | 'startingAfter'>,
  ): AsyncIterable<Payout> {
    const all = newestFirstPage(this.matching(tenantId, filter), {
      timeOf: (payout) => payout.createdAt,
      limit: Number.MAX_SAFE_INTEGER,
    });
    yield* all.items;
  }

  async transition(input: { current: Payout; next: Payout }): Promise<void> {
    const { current, next } = input;
    const stored = this.items.get(slot(current.tenantId, current.id));
    if (!stored || stored.status !== current.status || stored.version !== current.version)
      throw new ConcurrentModificationError();
    this.items.set(slot(next.tenantId, next.id), structuredClone(next));
  }

  async *openPayouts(createdBefore: string): AsyncIterable<{ tenantId: string; payoutId: string }[]> {
    const open = [...this.items.values()]
      .filter((payout) => !isSettled(payout.status))
      .map((payout) => ({ key: `${payout.createdAt}#${payout.tenantId}#${payout.id}`, payout }))
      .filter(({ key }) => key < createdBefore)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    yield open.map(({ payout }) => ({ tenantId: payout.tenantId, payoutId: payout.id }));
  }

  /** Every payout the fake holds is in its open payouts "index" from its first write. */
  async indexOpenPayouts(): Promise<number> {
    return 0;
  }

  private found(tenantId: string, payoutIds: readonly string[]): Payout[] {
    return payoutIds.flatMap((id) => this.items.get(slot(tenantId, id)) ?? []);
  }

  private matching(tenantId: string, search: Omit<ListPayoutsFilter, 'limit' | 'startingAfter'>) {
    return [...this.items.values()]
      .filter((payout) => payout.tenantId === tenantId && matchesSearch(payout, search))
      .map(copy);
  }
}

const slot = (tenantId: string, payoutId: string) => `${tenantId}#${payoutId}`;
const copy = <T>(value: T): T => structuredClone(value);
