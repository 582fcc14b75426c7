/**
 * `npm run bench:api -- [--payouts N] [--concurrency C]`
 *
 * Creates N payouts with C requests in flight through the local HTTP API (authorizer, validation,
 * idempotent TransactWriteItems), then, against the same DynamoDB Local, N single conditional
 * PutItems at the same concurrency: the raw ceiling. Prints both and their ratios. Targets (issue 2):
 * create throughput ≥ 1/3 of the raw rate, p99 ≤ 3× the raw p99.
 */

import { parseArgs } from 'node:util';
import { runApiBench, type ThroughputRun } from './api-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({
  options: {
    payouts: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '300' },
  },
});
const total = Number(values.payouts);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup);

const format = (run: ThroughputRun) =>
  `${run.perSecond.toFixed(0).padStart(6)} /s   p50 ${run.p50.toFixed(1).padStart(6)} ms   p99 ${run.p99.toFixed(1).padStart(6)} ms   errors ${run.errors}`;

async function main() {
  console.log(`bench:api — ${total} payouts, ${concurrency} in flight, ${warmup} warm-up requests each side`);
  const { api, raw, floor, throughputRatio, p99Ratio } = await runApiBench({
    payouts: total,
    concurrency,
    warmup,
    progress: (phase, done, count) =>
      process.stderr.write(`\r  ${phase}: ${done}/${count}${done === count ? ' done\n' : ''}`),
  });
  console.log(`
POST /v1/payouts            ${format(api)}
conditional PutItem (raw)   ${format(raw)}
GetItem + 2-item transaction ${format(floor)}   (the storage work of one create, no HTTP)
throughput ratio  ${throughputRatio.toFixed(2)}  (target ≥ 0.33) ${throughputRatio >= 1 / 3 ? 'OK' : 'BELOW TARGET'}
p99 ratio         ${p99Ratio.toFixed(2)}  (target ≤ 3.00) ${p99Ratio <= 3 ? 'OK' : 'ABOVE TARGET'}
API vs its storage floor: throughput ${(api.perSecond / floor.perSecond).toFixed(2)}, p99 ${(api.p99 / floor.p99).toFixed(2)}
Per payout the API does 1 consistent GetItem (authorizer), 1 consistent BatchGetItem (payout rails and
approval policy, D81), 1 TransactWriteItems of 2 items, and a rate-limit slice claim now and then (D79);
the storage floor models the first and the third.`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
