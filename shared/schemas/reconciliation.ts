import * as z from 'zod';
import { CONNECTOR_NAMES } from '../domain/catalog.js';
import { RECONCILIATION_OUTCOMES } from '../domain/reconciliation.js';
import { timestamp } from './common.js';

export { toItemResource, toRunResource } from './reconciliation-resource.js';

const RUN_ID = /^rr_[0-9A-Z]{26}$/;

/** A UTC day, `YYYY-MM-DD`, that exists on the calendar. */
const utcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD (a UTC day)')
  .refine((day) => {
    const time = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(day);
  }, 'is not a day of the calendar');

export const createReconciliationRunBody = z
  .strictObject({
    connector: z.enum(CONNECTOR_NAMES),
    date: utcDay,
  })
  .meta({ id: 'CreateReconciliationRunRequest' });

export const reconciliationRunParams = z.strictObject({
  id: z.string().regex(RUN_ID, 'must be a reconciliation run id'),
});

export const reconciliationItemParams = z.strictObject({
  id: z.string().regex(RUN_ID, 'must be a reconciliation run id'),
  item_id: z.string().min(1).max(300),
});

export const listReconciliationRunsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(RUN_ID, 'must be a reconciliation run id (next_cursor)').optional(),
});

export const listReconciliationItemsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  outcome: z.enum(RECONCILIATION_OUTCOMES).optional(),
  starting_after: z.string().min(1).max(300).optional(),
});

/**
 * `format=csv`: the items of the filter as they are now (resolutions included), one file, up to
 * ITEMS_CSV_MAX rows; the whole run as it completed is the run's `items_csv_url`.
 */
export const reconciliationItemsCsvQuery = z.strictObject({
  format: z.literal('csv', { error: "must be 'csv', or left out for JSON" }),
  outcome: z.enum(RECONCILIATION_OUTCOMES).optional(),
});

export const resolveReconciliationItemBody = z
  .strictObject({
    note: z
      .string()
      .trim()
      .min(3, 'must say why the difference is settled (at least 3 characters)')
      .max(1000, 'may be at most 1,000 characters'),
  })
  .meta({ id: 'ResolveReconciliationItemRequest' });

const side = z.object({ count: z.int(), amount: z.int().nullable(), amount_decimal: z.string() });

export const reconciliationRunResource = z
  .object({
    id: z.string().meta({ example: 'rr_01JD7X2Q4M6N8P0R2S4T6V8W0Y' }),
    object: z.literal('reconciliation_run'),
    status: z.enum(['running', 'completed', 'failed']),
    connector: z.enum(CONNECTOR_NAMES),
    date: z.string().meta({ example: '2026-12-01' }),
    trigger: z.enum(['request', 'scheduled']),
    requested_by: z.record(z.string(), z.unknown()),
    counts: z.record(z.enum(RECONCILIATION_OUTCOMES), z.int()).nullable(),
    differences: z
      .int()
      .nullable()
      .meta({ description: 'Items that are differences (all but matched and pending)' }),
    totals: z
      .array(z.object({ currency: z.string(), platform: side, provider: side }))
      .nullable()
      .meta({ description: 'Per currency, the money that went out and stayed out (paid), on each side' }),
    progress: z.object({ provider_records: z.int(), payouts: z.int() }),
    failure: z.string().nullable(),
    items_csv_url: z.string().optional().meta({
      description: 'Presigned GET of the items CSV, valid 5 minutes (a completed run, retrieved by id)',
    }),
    created_at: timestamp,
    completed_at: timestamp.nullable(),
  })
  .meta({ id: 'ReconciliationRun' });

const money = z.object({ amount: z.int().nullable(), currency: z.string().nullable(), status: z.string() });

export const reconciliationItemResource = z
  .object({
    id: z
      .string()
      .meta({ description: 'The payout id, or ext_{provider reference} for money no payout explains' }),
    object: z.literal('reconciliation_item'),
    run_id: z.string(),
    outcome: z.enum(RECONCILIATION_OUTCOMES),
    payout_id: z.string().nullable(),
    provider_reference: z.string().nullable(),
    platform: money.extend({ reference: z.string() }).nullable(),
    provider: money
      .extend({ created_at: timestamp.nullable(), found_by: z.enum(['statement', 'lookup']) })
      .nullable(),
    resolution: z
      .object({ resolved_by: z.record(z.string(), z.unknown()), note: z.string(), resolved_at: timestamp })
      .nullable(),
  })
  .meta({ id: 'ReconciliationItem' });

const listOf = (item: z.ZodType, id: string) =>
  z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z.string().nullable(),
    })
    .meta({ id });

export const reconciliationRunList = listOf(reconciliationRunResource, 'ReconciliationRunList');
export const reconciliationItemList = listOf(reconciliationItemResource, 'ReconciliationItemList');
