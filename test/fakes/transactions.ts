import { WriteConflictError } from '../../shared/domain/errors.js';

/**
 * Transactions in flight, as DynamoDB sees them: a TransactWriteItems that touches an item another
 * transaction is still writing is cancelled with `TransactionConflict` (the adapters turn that into
 * WriteConflictError) and writes nothing.
 *
 * A fake's transaction holds its items from its start until it commits on a later turn of the event
 * loop, so two use-case calls run with `Promise.all` overlap exactly as two Lambda invocations can:
 * the second sees the first in flight, and its read right after sees nothing committed yet.
 */
export class InFlightTransactions {
  private readonly held = new Set<string>();

  /** Runs `commit` holding `items`; throws WriteConflictError at once if any is held already. */
  async run<T>(items: readonly string[], commit: () => T): Promise<T> {
    if (items.some((item) => this.held.has(item))) throw new WriteConflictError();
    for (const item of items) this.held.add(item);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      return commit();
    } finally {
      for (const item of items) this.held.delete(item);
    }
  }
}
