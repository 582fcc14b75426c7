import type { IdempotencyRecord, IdempotencyStore } from '../../shared/ports/payout-repository.js';

/**
 * The idempotency keys of the single table, in memory. Payouts and batches share one key space
 * (`TENANT#…#IDEM#{key}`), so the payout and batch fakes are given the same instance.
 *
 * Same contract as the DynamoDB adapter: a record is void once `expiresAt < now` (TTL may lag, the
 * condition does not), and a write over a void record succeeds.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  async get(tenantId: string, key: string, nowSeconds: number): Promise<IdempotencyRecord | undefined> {
    const record = this.records.get(slot(tenantId, key));
    if (!record || record.expiresAt < nowSeconds) return undefined;
    return structuredClone(record);
  }

  /**
   * The condition of the adapter's `idempotencyPut` (`attribute_not_exists(pk) OR expires_at < :now`,
   * `:now` being the writer's creation time): the live record that blocks the write, if any. Does not
   * write; {@link put} does, once the whole transaction's conditions hold.
   */
  blocking(record: IdempotencyRecord, now: string): IdempotencyRecord | undefined {
    const stored = this.records.get(slot(record.tenantId, record.key));
    if (!stored || stored.expiresAt < Math.floor(Date.parse(now) / 1000)) return undefined;
    return structuredClone(stored);
  }

  put(record: IdempotencyRecord): void {
    this.records.set(slot(record.tenantId, record.key), structuredClone(record));
  }

  /** Whether a transaction's item name is this key (for in-flight conflicts). */
  static itemOf(record: Pick<IdempotencyRecord, 'tenantId' | 'key'>): string {
    return `idem:${slot(record.tenantId, record.key)}`;
  }
}

const slot = (tenantId: string, key: string) => `${tenantId}#${key}`;
