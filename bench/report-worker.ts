/**
 * The report worker alone in its own process (what a Lambda instance holds), for
 * `npm run bench:reports`: generates one report and prints its figures as JSON, peak RSS included.
 */
import { reportsFromEnvironment } from '../shared/wiring/reports.js';
import { liveHeapMb, sampleMemory } from './worker-memory.js';

const [tenantId, reportId] = process.argv.slice(2) as [string, string];
const memory = sampleMemory();
const started = performance.now();
const report = await reportsFromEnvironment().generate(tenantId, reportId);
const seconds = (performance.now() - started) / 1000;
// maxRSS is in kilobytes: the process's peak resident memory.
console.log(
  JSON.stringify({
    rows: report.rows,
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    liveHeapMb: liveHeapMb(),
    atPeak: memory.peak(),
  }),
);
