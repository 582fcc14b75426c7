/**
 * `npm run bench:webhooks -- --events 2000` — webhook delivery to a local receiver that fails 30 % of
 * requests and is down for a stretch, on a compressed retry schedule. Exits 1 if an event is missing
 * or a signature is invalid.
 */
import { parseArgs } from 'node:util';
import { runWebhookBench } from './webhooks-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    'fail-rate': { type: 'string', default: '0.3' },
    'down-after': { type: 'string', default: '5' },
    'down-for': { type: 'string', default: '10' },
    'timeout-seconds': { type: 'string', default: '900' },
  },
});

const report = await runWebhookBench({
  events: Number(values.events),
  failRate: Number(values['fail-rate']),
  downAfterSeconds: Number(values['down-after']),
  downForSeconds: Number(values['down-for']),
  timeoutSeconds: Number(values['timeout-seconds']),
  log: (line) => console.log(line),
});

console.log(`
bench:webhooks: ${report.expected} events, receiver failing ${Number(values['fail-rate']) * 100} % and down ${values['down-for']} s
  delivered         ${report.delivered} of ${report.expected} (at least once, signature verified)
  invalid signatures ${report.invalidSignatures}
  requests          ${report.requests} (retries included)
  throughput        ${report.deliveriesPerSecond.toFixed(1)} events delivered/s over ${report.seconds.toFixed(1)} s
  healthy latency   p50 ${report.healthyP50Ms.toFixed(0)} ms, p99 ${report.healthyP99Ms.toFixed(0)} ms (event created → received, first try)
${report.problems.length === 0 ? 'OK' : `BROKEN:\n  - ${report.problems.join('\n  - ')}`}`);
process.exit(report.problems.length === 0 ? 0 : 1);
