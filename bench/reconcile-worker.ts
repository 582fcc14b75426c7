/**
 * The reconciliation worker alone in its own process (what a Lambda instance holds), for
 * `npm run bench:reconcile`: works one run and prints its figures as JSON, peak RSS included.
 */
import { reconciliationWorkerFromEnvironment } from '../shared/wiring/reconciliation-worker.js';
import { liveHeapMb, sampleMemory } from './worker-memory.js';

const [tenantId, runId] = process.argv.slice(2) as [string, string];
const memory = sampleMemory();
const started = performance.now();
const run = await reconciliationWorkerFromEnvironment().run(tenantId, runId);
const seconds = (performance.now() - started) / 1000;
// maxRSS is in kilobytes: the process's peak resident memory.
console.log(
  JSON.stringify({
    counts: run.counts,
    compared: run.progress.payouts,
    providerRecords: run.progress.provider_records,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    liveHeapMb: liveHeapMb(),
    atPeak: memory.peak(),
  }),
);
