import { describe, expect, it } from 'vitest';
import { oneAhead } from '../../shared/domain/parallel.js';

/** `oneAhead`: the next page is fetched while the caller works on the current one (issue 20's run). */
describe('oneAhead', () => {
  it('yields every element in order, asking the source for the next before the caller is done', async () => {
    const log: string[] = [];
    async function* pages() {
      for (const page of [1, 2, 3]) {
        log.push(`fetch ${page}`);
        yield page;
      }
    }
    const seen: number[] = [];
    for await (const page of oneAhead(pages())) {
      log.push(`work ${page}`);
      seen.push(page);
    }
    expect(seen).toEqual([1, 2, 3]);
    // Page 2 was being fetched before page 1's work began.
    expect(log).toEqual(['fetch 1', 'fetch 2', 'work 1', 'fetch 3', 'work 2', 'work 3']);
  });

  it('a failure of the page fetched ahead surfaces when the caller reaches it, not before', async () => {
    async function* failing() {
      yield 'first';
      throw new Error('provider unavailable');
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const page of oneAhead(failing())) seen.push(page);
      })(),
    ).rejects.toThrow('provider unavailable');
    expect(seen).toEqual(['first']);
  });

  it('a caller that stops early lets the source clean up', async () => {
    let closed = false;
    async function* pages() {
      try {
        for (let page = 1; ; page++) yield page;
      } finally {
        closed = true;
      }
    }
    for await (const page of oneAhead(pages())) if (page === 2) break;
    expect(closed).toBe(true);
  });
});
