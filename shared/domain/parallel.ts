/** Runs `work` on every item with at most `limit` in flight; rejects with the first failure. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The same sequence, with the next element already being fetched while the caller works on the
 * current one (one page of a query ahead): a slow source and a slow consumer overlap instead of
 * taking turns. A failure of the element fetched ahead surfaces when the caller reaches it.
 */
export async function* oneAhead<T>(source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  // Observed here so a caller that stops early leaves no unhandled rejection behind.
  next.catch(() => undefined);
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = iterator.next();
      next.catch(() => undefined);
      yield current.value;
    }
  } finally {
    // A caller that stopped early: the source gets to clean up once its pending fetch settles.
    await next.then(
      () => iterator.return?.(),
      () => undefined,
    );
  }
}
