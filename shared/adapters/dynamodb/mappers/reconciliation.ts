import { CONNECTOR_NAMES } from '../../../domain/catalog.js';
import {
  type DayRun,
  RECONCILIATION_OUTCOMES,
  type ReconciliationItem,
  type ReconciliationMark,
  type ReconciliationOutcome,
  type ReconciliationRun,
} from '../../../domain/reconciliation.js';
import type { RunRef } from '../../../ports/reconciliation.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { actionStampSchema, actorSchema } from './actors.js';
import { count, countsOf, maybeCount, maybeText, text } from './fields.js';
import { payoutStatusSchema } from './payout.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const outcome = z.enum(RECONCILIATION_OUTCOMES);
const connectorName = z.enum(CONNECTOR_NAMES);
const sideTotal = z.object({ count, amount: text });

const runSchema = z.object({
  id: text,
  tenantId: text,
  connector: connectorName,
  date: text,
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  trigger: z.enum(['request', 'scheduled']),
  requestedBy: actorSchema,
  attempt: count,
  counts: z.nullable(countsOf(RECONCILIATION_OUTCOMES)),
  totals: z.nullable(z.array(z.object({ currency: text, platform: sideTotal, provider: sideTotal }))),
  progress: z.object({ providerRecords: count, payouts: count }),
  failure: maybeText,
  createdAt: text,
  updatedAt: text,
  startedAt: z.optional(maybeText),
  completedAt: maybeText,
  lastAction: z.optional(actionStampSchema),
  version: count,
});
true satisfies Exactly<z.output<typeof runSchema>, ReconciliationRun>;

/** A reconciliation run, listed per tenant newest first on gsi1. */
export const reconciliationRunMapper = {
  entity: 'reconciliation_run',
  toItem: (run: ReconciliationRun) => ({
    ...keys.reconciliationRun(run.tenantId, run.id),
    gsi1pk: keys.reconciliationRunsOfTenant(run.tenantId),
    gsi1sk: listingKey(run),
    entity: 'reconciliation_run',
    fmt: ITEM_FORMAT,
    ...run,
  }),
  fromItem: (raw: Record<string, unknown>): ReconciliationRun =>
    parseStored('reconciliation_run', runSchema, raw),
} satisfies ItemMapper<ReconciliationRun>;

const platformSide = z.object({
  payoutId: text,
  reference: text,
  amount: count,
  currency: text,
  status: payoutStatusSchema,
  providerReference: maybeText,
});
const providerSide = z.object({
  providerReference: text,
  amount: maybeCount,
  currency: maybeText,
  status: z.enum(['pending', 'paid', 'failed', 'returned']),
  createdAt: maybeText,
  foundBy: z.enum(['statement', 'lookup']),
});

const itemSchema = z.object({
  runId: text,
  tenantId: text,
  attempt: count,
  key: text,
  outcome,
  platform: z.nullable(platformSide),
  provider: z.nullable(providerSide),
  resolution: z.nullable(z.object({ by: actorSchema, note: text, at: text })),
  lastAction: z.optional(actionStampSchema),
  version: count,
});
true satisfies Exactly<z.output<typeof itemSchema>, ReconciliationItem>;

/** Where an outcome sorts among an attempt's items: differences first. */
export const rankOf = (itemOutcome: ReconciliationOutcome) => RECONCILIATION_OUTCOMES.indexOf(itemOutcome);

/**
 * One item of an attempt, in the attempt's partition ordered by outcome. Items are not relayed (a run
 * writes thousands); a resolved one is, through its own entity tag (`reconciliation_resolution`).
 */
export const reconciliationItemMapper = {
  entity: 'reconciliation_item',
  toItem: (item: ReconciliationItem) => ({
    ...keys.reconciliationItem(item.tenantId, item.runId, item.attempt, rankOf(item.outcome), item.key),
    entity: item.resolution ? 'reconciliation_resolution' : 'reconciliation_item',
    fmt: ITEM_FORMAT,
    ...item,
  }),
  fromItem: (raw: Record<string, unknown>): ReconciliationItem =>
    parseStored(String(raw.entity ?? 'reconciliation_item'), itemSchema, raw),
} satisfies ItemMapper<ReconciliationItem>;

/** A matched item in a pack keeps only what differs from its neighbours: its key and both sides. */
export type PackedItem = Pick<ReconciliationItem, 'key' | 'platform' | 'provider'>;

const packSchema = z.object({
  seq: count,
  items: z.array(
    z.object({ key: text, platform: z.nullable(platformSide), provider: z.nullable(providerSide) }),
  ),
});
true satisfies Exactly<z.output<typeof packSchema>, { seq: number; items: PackedItem[] }>;

const MATCHED_RANK = rankOf('matched');

/** The key of pack `seq` of an attempt: after the single items of every other outcome. */
export const packKey = (run: RunRef, seq: number) =>
  keys.reconciliationPack(run.tenantId, run.id, run.attempt, MATCHED_RANK, seq);

/** A pack of an attempt's matched items (D74), numbered in the order the worker wrote them. */
export const reconciliationPackMapper = {
  entity: 'reconciliation_pack',
  toItem: (run: RunRef, seq: number, items: readonly PackedItem[]) => ({
    ...packKey(run, seq),
    entity: 'reconciliation_pack',
    fmt: ITEM_FORMAT,
    runId: run.id,
    attempt: run.attempt,
    seq,
    items,
  }),
  fromItem: (raw: Record<string, unknown>) => parseStored('reconciliation_pack', packSchema, raw),
};

const markSchema = z.object({ payoutId: text, outcome, runId: text, at: text, resolvedAt: z.optional(text) });
type PayoutMark = { payoutId: string } & ReconciliationMark;
true satisfies Exactly<z.output<typeof markSchema>, PayoutMark>;

/** A payout's latest reconciliation outcome, beside the payout (for the payout report). */
export const reconciliationMarkMapper = {
  entity: 'reconciliation_mark',
  toItem: (tenantId: string, mark: PayoutMark) => ({
    ...keys.reconciliationMark(tenantId, mark.payoutId),
    entity: 'reconciliation_mark',
    fmt: ITEM_FORMAT,
    ...mark,
  }),
  fromItem: (raw: Record<string, unknown>): PayoutMark => parseStored('reconciliation_mark', markSchema, raw),
};

const dayRunSchema = z.object({
  runId: text,
  connector: connectorName,
  date: text,
  startedAt: text,
  completedAt: text,
});
true satisfies Exactly<z.output<typeof dayRunSchema>, DayRun>;

/** The latest completed run of one connector and UTC day (the payout report's "matched", D74). */
export const dayRunMapper = {
  entity: 'reconciliation_day_run',
  toItem: (tenantId: string, dayRun: DayRun) => ({
    ...keys.reconciliationDayRun(tenantId, dayRun.connector, dayRun.date),
    entity: 'reconciliation_day_run',
    fmt: ITEM_FORMAT,
    ...dayRun,
  }),
  fromItem: (raw: Record<string, unknown>): DayRun =>
    parseStored('reconciliation_day_run', dayRunSchema, raw),
};
