/**
 * `npm run chaos -- --payouts 10000` — the execution chaos run on the local stack (see runChaos).
 * Exits 1 if any invariant is broken.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    payouts: { type: 'string', default: '10000' },
    'executor-kill-rate': { type: 'string', default: '0.1' },
    'timeout-rate': { type: 'string', default: '0.05' },
    'fail-rate': { type: 'string', default: '0.02' },
    'relay-kill-rate': { type: 'string', default: '0.05' },
    'duplicate-rate': { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    'timeout-seconds': { type: 'string', default: '3600' },
    // A 2-hour provider outage in compressed time: the retries' cap is 3 s here, 30 minutes in AWS.
    'provider-outage-s': { type: 'string', default: '5' },
    'bus-outage-s': { type: 'string', default: '5' },
  },
});

const report = await runChaos({
  payouts: Number(values.payouts),
  executorKillRate: Number(values['executor-kill-rate']),
  timeoutRate: Number(values['timeout-rate']),
  failRate: Number(values['fail-rate']),
  relayKillRate: Number(values['relay-kill-rate']),
  duplicateDeliveryRate: Number(values['duplicate-rate']),
  concurrency: Number(values.concurrency),
  timeoutSeconds: Number(values['timeout-seconds']),
  providerOutageSeconds: Number(values['provider-outage-s']),
  busOutageSeconds: Number(values['bus-outage-s']),
  log: (line) => console.log(line),
});

console.log(`
chaos: ${report.payouts} payouts, every message delivered twice, ${values['executor-kill-rate']} executor kills after the provider call,
       ${values['timeout-rate']} provider timeouts, ${values['relay-kill-rate']} relay kills mid-batch,
       a ${values['provider-outage-s']} s provider outage (503) and a ${values['bus-outage-s']} s bus outage (PutEvents refused)
  final            ${report.paid} paid, ${report.failed} failed, ${report.notFinal} not final
  dead letters     ${report.deadLetters}
  provider ledger  ${report.ledgerPaid} transfers; paid without transfer ${report.paidWithoutLedgerTransfer}; failed with transfer ${report.failedWithLedgerTransfer}
  events feed      ${report.eventsTotal} of ${report.eventsExpected} expected; duplicates ${report.duplicateEvents}; missing ${report.missingEvents}
  accept           ${report.acceptSeconds.toFixed(1)} s
  end to end       ${report.endToEndSeconds.toFixed(1)} s = ${report.payoutsPerSecond.toFixed(1)} payouts/s
  time to final    p50 ${report.p50TimeToFinalMs.toFixed(0)} ms, p99 ${report.p99TimeToFinalMs.toFixed(0)} ms
${report.problems.length === 0 ? 'OK: every invariant holds' : `BROKEN:\n  - ${report.problems.join('\n  - ')}`}`);
process.exit(report.problems.length === 0 ? 0 : 1);
