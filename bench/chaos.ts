/**
 * `npm run chaos -- --payouts 10000` — the execution chaos run on the local stack (see runChaos).
 * `npm run chaos -- --connector adyen --payouts 1000` — the same faults and Adyen's, every payout
 * routed to the Adyen connector against its fake (see runAdyenChaos).
 * Exits 1 if any invariant is broken.
 */
import { parseArgs } from 'node:util';
import { type AdyenChaosReport, type ChaosReport, runAdyenChaos, runChaos } from './chaos-run.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const { values } = parseArgs({
  options: {
    connector: { type: 'string', default: 'sandbox' },
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
    // --connector adyen only: Adyen's faults and webhooks.
    'refusal-rate': { type: 'string', default: '0.03' },
    'webhook-duplicate-rate': { type: 'string', default: '0.2' },
    'webhook-late-rate': { type: 'string', default: '0.1' },
    'webhook-late-s': { type: 'string', default: '10' },
    'return-rate': { type: 'string', default: '0.03' },
    'connector-timeout-ms': { type: 'string', default: '1000' },
    'lease-s': { type: 'string', default: '10' },
  },
});

if (values.connector !== 'sandbox' && values.connector !== 'adyen') {
  console.error(`--connector must be sandbox (the default) or adyen, not ${values.connector}`);
  process.exit(2);
}

const common = {
  payouts: Number(values.payouts),
  executorKillRate: Number(values['executor-kill-rate']),
  timeoutRate: Number(values['timeout-rate']),
  failRate: Number(values['fail-rate']),
  relayKillRate: Number(values['relay-kill-rate']),
  duplicateDeliveryRate: Number(values['duplicate-rate']),
  concurrency: Number(values.concurrency),
  timeoutSeconds: Number(values['timeout-seconds']),
  busOutageSeconds: Number(values['bus-outage-s']),
  log: (line: string) => console.log(line),
};

function verdict(problems: string[]): string {
  return problems.length === 0 ? 'OK: every invariant holds' : `BROKEN:\n  - ${problems.join('\n  - ')}`;
}

function sandboxSummary(report: ChaosReport): string {
  return `
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
${verdict(report.problems)}`;
}

function adyenSummary(report: AdyenChaosReport): string {
  const { calls, webhooks } = report;
  return `
chaos (Adyen): ${report.payouts} payouts to IBANs through the Adyen connector and its fake (Prism on Adyen's document);
       every message delivered twice (rate ${values['duplicate-rate']}), ${values['executor-kill-rate']} executor kills after Adyen accepted,
       ${values['relay-kill-rate']} relay kills, a ${values['bus-outage-s']} s bus outage; Adyen: ${values['timeout-rate']} creates answered after the
       ${values['connector-timeout-ms']} ms timeout, ${values['refusal-rate']} calls refused (429/503); webhooks ${values['webhook-duplicate-rate']} twice,
       ${values['webhook-late-rate']} ${values['webhook-late-s']} s late, ${values['return-rate']} returned after paid
  final            ${report.paid} paid, ${report.failed} failed, ${report.returned} returned, ${report.notFinal} not final
  Adyen transfers  ${report.transfers}; duplicate transfers ${report.duplicateTransfers.length}; invalid requests ${report.invalidRequests}
  references       provider_reference ≠ transfer id ${report.referenceMismatches}; status ≠ transfer ${report.statusDisagreements}
  calls to Adyen   ${calls.creates} creates (${calls.keysRepeated} keys sent more than once, at most ${calls.maxCreatesPerKey}; ${calls.overlappingCreates} overlapping;
                   ${calls.createsAfterAccepted} sent again after Adyen's 200 had reached the platform), ${calls.abandonedCreates} made but answered
                   after the timeout (${calls.scriptedDelays} scripted), ${calls.refused} refused 429/503 (${calls.scriptedRefusals} scripted);
                   ${calls.lookups} lookups reading ${calls.lookupPages} pages
  webhooks         ${webhooks.signed} signed, ${webhooks.posts} posts; ${webhooks.duplicated} posted twice at once, ${webhooks.late} late,
                   ${webhooks.returned} returns (${webhooks.outOfOrder} followed by the old paid), ${webhooks.notAcknowledged} not answered 200 (retried)
  first webhook    ${webhooks.beforePendingWrite} before the executor wrote pending, ${webhooks.afterPendingWrite} after, ${webhooks.afterSettled} after the payout was settled
  attempts         at most ${report.maxAttempts} per payout
  dead letters     ${report.deadLetters}
  events feed      ${report.eventsTotal} of ${report.eventsExpected} expected; duplicates ${report.duplicateEvents}; missing ${report.missingEvents}
  accept           ${report.acceptSeconds.toFixed(1)} s
  end to end       ${report.endToEndSeconds.toFixed(1)} s = ${report.payoutsPerSecond.toFixed(2)} payouts/s
  time to final    p50 ${report.p50TimeToFinalMs.toFixed(0)} ms, p99 ${report.p99TimeToFinalMs.toFixed(0)} ms
${verdict(report.problems)}`;
}

let problems: string[];
if (values.connector === 'adyen') {
  const report = await runAdyenChaos({
    ...common,
    refusalRate: Number(values['refusal-rate']),
    duplicateWebhookRate: Number(values['webhook-duplicate-rate']),
    lateWebhookRate: Number(values['webhook-late-rate']),
    lateWebhookSeconds: Number(values['webhook-late-s']),
    returnRate: Number(values['return-rate']),
    connectorTimeoutMs: Number(values['connector-timeout-ms']),
    leaseSeconds: Number(values['lease-s']),
  });
  console.log(adyenSummary(report));
  problems = report.problems;
} else {
  const report = await runChaos({
    ...common,
    providerOutageSeconds: Number(values['provider-outage-s']),
  });
  console.log(sandboxSummary(report));
  problems = report.problems;
}
process.exit(problems.length === 0 ? 0 : 1);
