import { shardedPartition } from './newest-first.js';

/**
 * Key layout of the single table: every item's keys are built here and nowhere else.
 *
 * | item            | pk                                  | sk      | gsi1pk                    | gsi1sk              | access pattern |
 * |-----------------|-------------------------------------|---------|---------------------------|---------------------|----------------|
 * | tenant          | TENANT#{tenantId}                   | TENANT  | TENANTS                   | {createdAt}#{tenantId} | get tenant; every tenant (daily reports) |
 * | API key         | APIKEY#{sha256(key)}                | APIKEY  | TENANT#{tenantId}#KEYS    | {keyId}             | authorize a request (one read); list a tenant's keys |
 * | payout          | TENANT#{tenantId}#PAYOUT#{payoutId} | PAYOUT  | TENANT#{tenantId}#PAYOUTS#{shard} | {createdAt}#{payoutId} | get; reference lookup; list newest first |
 * | idempotency key | TENANT#{tenantId}#IDEM#{key}        | IDEM    |                           |                     | replay / conflict decisions (strongly consistent) |
 * | event           | TENANT#{tenantId}#EVENT#{eventId}   | EVENT   | TENANT#{tenantId}#EVENTS#{shard} | {createdAt}#{eventId} | events feed (written by the relay) |
 * | webhook endpoint | TENANT#{tenantId}#WEBHOOK#{endpointId} | WEBHOOK | TENANT#{tenantId}#WEBHOOKS | {createdAt}#{id} | endpoints of a tenant (fan-out) |
 * | delivery        | TENANT#{tenantId}#DELIVERY#{deliveryId} | DELIVERY | TENANT#{t}#WEBHOOK#{we}#DELIVERIES#{shard} | {createdAt}#{id} | one per (event, endpoint); recovery |
 * | delivery, succeeded at once (D83) | TENANT#{tenantId}#DELIVERY#{deliveryId} | DELIVERY | TENANT#{t}#WEBHOOK#{we}#ATTEMPTS#{shard} | {attemptedAt}#{attemptId} | holds its first attempt: the attempt log's entry |
 * | delivery attempt | TENANT#{tenantId}#DELIVERY#{deliveryId} | ATTEMPT#{n} | TENANT#{t}#WEBHOOK#{we}#ATTEMPTS#{shard} | {attemptedAt}#{id} | attempt log of an endpoint |
 * | member          | TENANT#{tenantId}#MEMBER#{memberId} | MEMBER  | TENANT#{tenantId}#MEMBERS | {createdAt}#{memberId} | the team (member id = the identity provider's sub) |
 * | manual payout criteria | TENANT#{tenantId}            | CRITERIA#MANUAL_PAYOUTS |            |                     | reason codes, limits |
 * | approval policy        | TENANT#{tenantId}            | POLICY#APPROVALS        |            |                     | rules, expiry        |
 * | report          | TENANT#{tenantId}#REPORT#{reportId} | REPORT  | TENANT#{tenantId}#REPORTS | {createdAt}#{reportId} | export jobs, newest first |
 * | audit entry     | TENANT#{tenantId}#AUDIT#{auditId}   | AUDIT   | TENANT#{tenantId}#AUDIT   | {at}#{auditId}      | append-only audit log, newest first |
 * | payout batch    | TENANT#{tenantId}#BATCH#{batchId}   | BATCH   | TENANT#{tenantId}#BATCHES | {createdAt}#{batchId} | batch with live counters, newest first |
 * | batch chunk     | TENANT#{tenantId}#BATCH#{batchId}   | CHUNK#{n} |                         |                     | ≤100 items of a batch, expanded by one worker message (TTL 30 days) |
 * | inbound route   | INBOUND#{kind}#{value}              | ROUTE   | TENANT#{tenantId}#INBOUND | {kind}#{value}      | event source / SQS sender → its tenant (issue 9) |
 * | inbound rejection | TENANT#{tenantId}#REJECTION#{id}  | REJECTION |                         |                     | a refused event/queue request (→ payout.request_rejected) |
 * | sandbox transfer | SANDBOX#TRANSFER#{idempotencyKey}  | TRANSFER | TENANT#{t}#SANDBOX_LEDGER#{day} | {createdAt}#{key} | the sandbox provider's ledger; its statement of a day |
 * | reconciliation run | TENANT#{tenantId}#RECON#{runId}   | RUN     | TENANT#{tenantId}#RECONS  | {createdAt}#{runId} | runs, newest first |
 * | reconciliation item | TENANT#{t}#RECON#{runId}#{attempt} | ITEM#{rank}#{key} |               |                     | one attempt's items, differences first |
 * | reconciliation mark | TENANT#{tenantId}#PAYOUT#{payoutId} | RECON  |                           |                     | a payout's latest reconciliation outcome |
 * | payout rails    | TENANT#{tenantId}                   | CONNECTORS |                        |                     | the tenant's connectors (sealed credentials) and routing rules |
 * | provider event  | TENANT#{tenantId}#PROVIDER_EVENT#{connector}#{eventId} | PROVIDER_EVENT |      |                     | a provider webhook event, once (TTL 90 days) |
 * | request counter | TENANT#{tenantId}#RATE#{action}#{second} | RATE |                        |                     | per-tenant rate limit of one second (TTL 2 minutes) |
 * | outbox sweep    | TENANT#{tenantId}#PAYOUT#{payoutId} | SWEEP   |                           |                     | the sweeper's backoff per payout (TTL 30 days) |
 *
 * A payout that is not final also has `gsi2pk = OPEN#{shard}`, `gsi2sk = {createdAt}#{tenantId}#{payoutId}`
 * (gsi2, keys only): every open payout, oldest first, for the outbox sweeper. Final payouts leave it.
 *
 * The payout id is derived from (tenant, reference) (see `payoutIdFor`), so the payout item is also
 * the reference guard, and a lookup by reference is a GetItem. The payout item's stream record is the
 * outbox entry of every change: no event item is written beside it. Putting the tenant in every
 * partition key means a read can only ever reach the caller's own items.
 *
 * `{shard}` (0–7, a hash of the item's id, see `shardedPartition`): listings that grow with payment
 * volume are spread over 8 index partitions per tenant, and reads merge them (D36).
 */
export const keys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  requestCounter: (tenantId: string, action: string, second: number) => ({
    pk: `TENANT#${tenantId}#RATE#${action}#${second}`,
    sk: 'RATE',
  }),
  /** Every tenant (the daily report schedule walks them). */
  allTenants: 'TENANTS',
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  apiKeysOfTenant: (tenantId: string) => `TENANT#${tenantId}#KEYS`,
  payout: (tenantId: string, payoutId: string) => ({
    pk: `TENANT#${tenantId}#PAYOUT#${payoutId}`,
    sk: 'PAYOUT',
  }),
  payoutsOfTenant: (tenantId: string) => `TENANT#${tenantId}#PAYOUTS`,
  idempotency: (tenantId: string, key: string) => ({ pk: `TENANT#${tenantId}#IDEM#${key}`, sk: 'IDEM' }),
  event: (tenantId: string, eventId: string) => ({ pk: `TENANT#${tenantId}#EVENT#${eventId}`, sk: 'EVENT' }),
  eventsOfTenant: (tenantId: string) => `TENANT#${tenantId}#EVENTS`,
  webhookEndpoint: (tenantId: string, endpointId: string) => ({
    pk: `TENANT#${tenantId}#WEBHOOK#${endpointId}`,
    sk: 'WEBHOOK',
  }),
  webhookEndpointsOfTenant: (tenantId: string) => `TENANT#${tenantId}#WEBHOOKS`,
  delivery: (tenantId: string, deliveryId: string) => ({
    pk: `TENANT#${tenantId}#DELIVERY#${deliveryId}`,
    sk: 'DELIVERY',
  }),
  deliveriesOfEndpoint: (tenantId: string, endpointId: string) =>
    `TENANT#${tenantId}#WEBHOOK#${endpointId}#DELIVERIES`,
  attempt: (tenantId: string, deliveryId: string, attempt: number) => ({
    pk: `TENANT#${tenantId}#DELIVERY#${deliveryId}`,
    sk: `ATTEMPT#${String(attempt).padStart(4, '0')}`,
  }),
  attemptsOfEndpoint: (tenantId: string, endpointId: string) =>
    `TENANT#${tenantId}#WEBHOOK#${endpointId}#ATTEMPTS`,
  member: (tenantId: string, memberId: string) => ({
    pk: `TENANT#${tenantId}#MEMBER#${memberId}`,
    sk: 'MEMBER',
  }),
  membersOfTenant: (tenantId: string) => `TENANT#${tenantId}#MEMBERS`,
  tenantConnectors: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'CONNECTORS' }),
  providerEvent: (tenantId: string, connector: string, eventId: string) => ({
    pk: `TENANT#${tenantId}#PROVIDER_EVENT#${connector}#${eventId}`,
    sk: 'PROVIDER_EVENT',
  }),
  manualPayoutCriteria: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'CRITERIA#MANUAL_PAYOUTS' }),
  approvalPolicy: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'POLICY#APPROVALS' }),
  report: (tenantId: string, reportId: string) => ({
    pk: `TENANT#${tenantId}#REPORT#${reportId}`,
    sk: 'REPORT',
  }),
  reportsOfTenant: (tenantId: string) => `TENANT#${tenantId}#REPORTS`,
  auditEntry: (tenantId: string, auditId: string) => ({
    pk: `TENANT#${tenantId}#AUDIT#${auditId}`,
    sk: 'AUDIT',
  }),
  auditOfTenant: (tenantId: string) => `TENANT#${tenantId}#AUDIT`,
  batch: (tenantId: string, batchId: string) => ({ pk: `TENANT#${tenantId}#BATCH#${batchId}`, sk: 'BATCH' }),
  batchChunk: (tenantId: string, batchId: string, index: number) => ({
    pk: `TENANT#${tenantId}#BATCH#${batchId}`,
    sk: `CHUNK#${String(index).padStart(5, '0')}`,
  }),
  batchesOfTenant: (tenantId: string) => `TENANT#${tenantId}#BATCHES`,
  inboundRoute: (kind: string, value: string) => ({ pk: `INBOUND#${kind}#${value}`, sk: 'ROUTE' }),
  inboundRoutesOfTenant: (tenantId: string) => `TENANT#${tenantId}#INBOUND`,
  inboundRejection: (tenantId: string, id: string) => ({
    pk: `TENANT#${tenantId}#REJECTION#${id}`,
    sk: 'REJECTION',
  }),
  sandboxTransfer: (idempotencyKey: string) => ({ pk: `SANDBOX#TRANSFER#${idempotencyKey}`, sk: 'TRANSFER' }),
  /** The sandbox ledger's statement of a tenant's day (gsi1): what the sandbox "provider" recorded. */
  sandboxLedgerOfDay: (tenantId: string, date: string) => `TENANT#${tenantId}#SANDBOX_LEDGER#${date}`,
  reconciliationRun: (tenantId: string, runId: string) => ({
    pk: `TENANT#${tenantId}#RECON#${runId}`,
    sk: 'RUN',
  }),
  reconciliationRunsOfTenant: (tenantId: string) => `TENANT#${tenantId}#RECONS`,
  /** An item of one attempt of a run; `rank` orders differences first (RECONCILIATION_OUTCOMES). */
  reconciliationItem: (tenantId: string, runId: string, attempt: number, rank: number, key: string) => ({
    pk: `TENANT#${tenantId}#RECON#${runId}#${attempt}`,
    sk: `ITEM#${rank}#${key}`,
  }),
  /**
   * A pack of matched items of one attempt (D74), in the items' partition after the single items of
   * every other outcome (`rank` is matched's), numbered in the order the worker wrote them.
   */
  reconciliationPack: (tenantId: string, runId: string, attempt: number, rank: number, seq: number) => ({
    pk: `TENANT#${tenantId}#RECON#${runId}#${attempt}`,
    sk: `ITEM#${rank}#PACK#${String(seq).padStart(7, '0')}`,
  }),
  /** The latest completed run of one connector and UTC day (the payout report's "matched", D74). */
  reconciliationDayRun: (tenantId: string, connector: string, date: string) => ({
    pk: `TENANT#${tenantId}#RECONDAY#${connector}#${date}`,
    sk: 'DAYRUN',
  }),
  /** A SEPA file (sk FILE) and its transfers (sk TX#date#payout) share one partition. */
  bankFile: (tenantId: string, fileId: string) => ({
    pk: `TENANT#${tenantId}#BANKFILE#${fileId}`,
    sk: 'FILE',
  }),
  bankFileTransfer: (tenantId: string, fileId: string, executionDate: string, payoutId: string) => ({
    pk: `TENANT#${tenantId}#BANKFILE#${fileId}`,
    sk: `TX#${executionDate}#${payoutId}`,
  }),
  bankFilesOfTenant: (tenantId: string) => `TENANT#${tenantId}#BANKFILES`,
  /** A line of a bank statement, by the transfer it names and what happened (booked, returned). */
  bankLedgerEntry: (tenantId: string, endToEndId: string, kind: string) => ({
    pk: `TENANT#${tenantId}#BANKLEDGER#${endToEndId}`,
    sk: kind,
  }),
  /** The bank's statement lines of a tenant's booking day (gsi1). */
  bankLedgerOfDay: (tenantId: string, date: string) => `TENANT#${tenantId}#BANK_LEDGER#${date}`,
  /** A payout's latest reconciliation outcome, beside it (for the payout report). */
  reconciliationMark: (tenantId: string, payoutId: string) => ({
    pk: `TENANT#${tenantId}#PAYOUT#${payoutId}`,
    sk: 'RECON',
  }),
  /** The index entry of a payout that is not final yet (gsi2), spread over shards by payout id. */
  openPayout: (payout: { tenantId: string; id: string; createdAt: string }) => ({
    gsi2pk: shardedPartition(OPEN_PAYOUTS, payout.id),
    gsi2sk: `${payout.createdAt}#${payout.tenantId}#${payout.id}`,
  }),
  /** The outbox sweeper's note on one payout: which version it re-drove, how often, when next. */
  outboxSweep: (tenantId: string, payoutId: string) => ({
    pk: `TENANT#${tenantId}#PAYOUT#${payoutId}`,
    sk: 'SWEEP',
  }),
} as const;

/** The base partition of the open payouts index (gsi2): `OPEN#0` … `OPEN#7`. */
export const OPEN_PAYOUTS = 'OPEN';

export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

/**
 * An item without its keys, entity tag and format: its other attributes, unchecked (the relay diffs
 * them for the audit log). To read an entity, use its mapper (./mappers), which parses the item.
 */
export function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g,
    gsi1sk: _s,
    gsi2pk: _g2,
    gsi2sk: _s2,
    entity: _e,
    fmt: _f,
    ...rest
  } = item;
  return rest;
}
