/**
 * A clock a test moves by hand: pass `clock.now` as a use case's `now`. Starts at `start` (an ISO
 * instant) and stands still until told otherwise, so every timestamp a test asserts is exact.
 */
export function testClock(start = '2026-12-01T09:00:00.000Z') {
  let time = Date.parse(start);
  return {
    now: () => time,
    iso: () => new Date(time).toISOString(),
    advance(ms: number) {
      time += ms;
    },
    set(instant: string) {
      time = Date.parse(instant);
    },
  };
}

export const SECOND = 1000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
