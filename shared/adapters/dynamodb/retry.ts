import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';

/** True for a write that lost to a concurrent transaction on the same item (nothing was written). */
export function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof TransactionConflictException ||
    (error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict'))
  );
}

/**
 * Runs a write again when it lost to a concurrent transaction on the same item (a batch's counters
 * take updates from the relay and from the expansion workers), with jittered backoff.
 */
export async function withConflictRetries<T>(write: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}
