import { CONNECTOR_NAMES } from '../domain/catalog.js';
import { RECONCILIATION_OUTCOMES } from '../domain/reconciliation.js';
import * as z from '../zod.js';
import { timestamp } from './common.js';

export { toItemResource, toRunResource } from './reconciliation-resource.js';

const RUN_ID = /^rr_[0-9A-Z]{26}$/;

/** A UTC day, `YYYY-MM-DD`, that exists on the calendar. */
const utcDay = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD (a UTC day)'),
  z.refine((day) => {
    const time = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(day);
  }, 'is not a day of the calendar'),
);

export const createReconciliationRunBody = z
  .strictObject({
    connector: z.enum(CONNECTOR_NAMES),
    date: utcDay,
  })
  .check(z.meta({ id: 'CreateReconciliationRunRequest' }));

export const reconciliationRunParams = z.strictObject({
  id: z.string().check(z.regex(RUN_ID, 'must be a reconciliation run id')),
});

export const reconciliationItemParams = z.strictObject({
  id: z.string().check(z.regex(RUN_ID, 'must be a reconciliation run id')),
  item_id: z.string().check(z.minLength(1), z.maxLength(300)),
});

export const listReconciliationRunsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(
    z.string().check(z.regex(RUN_ID, 'must be a reconciliation run id (next_cursor)')),
  ),
});

export const listReconciliationItemsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 50),
  outcome: z.optional(z.enum(RECONCILIATION_OUTCOMES)),
  starting_after: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
});

/**
 * `format=csv`: the items of the filter as they are now (resolutions included), one file, up to
 * ITEMS_CSV_MAX rows; the whole run as it completed is the run's `items_csv_url`.
 */
export const reconciliationItemsCsvQuery = z.strictObject({
  format: z.literal('csv', { error: "must be 'csv', or left out for JSON" }),
  outcome: z.optional(z.enum(RECONCILIATION_OUTCOMES)),
});

export const resolveReconciliationItemBody = z
  .strictObject({
    note: z
      .string()
      .check(
        z.trim(),
        z.minLength(3, 'must say why the difference is settled (at least 3 characters)'),
        z.maxLength(1000, 'may be at most 1,000 characters'),
      ),
  })
  .check(z.meta({ id: 'ResolveReconciliationItemRequest' }));

const side = z.object({ count: z.int(), amount: z.nullable(z.int()), amount_decimal: z.string() });

export const reconciliationRunResource = z
  .object({
    id: z.string().check(z.meta({ example: 'rr_01JD7X2Q4M6N8P0R2S4T6V8W0Y' })),
    object: z.literal('reconciliation_run'),
    status: z.enum(['running', 'completed', 'failed']),
    connector: z.enum(CONNECTOR_NAMES),
    date: z.string().check(z.meta({ example: '2026-12-01' })),
    trigger: z.enum(['request', 'scheduled']),
    requested_by: z.record(z.string(), z.unknown()),
    counts: z.nullable(z.record(z.enum(RECONCILIATION_OUTCOMES), z.int())),
    differences: z
      .nullable(z.int())
      .check(z.meta({ description: 'Items that are differences (all but matched and pending)' })),
    totals: z
      .nullable(z.array(z.object({ currency: z.string(), platform: side, provider: side })))
      .check(
        z.meta({ description: 'Per currency, the money that went out and stayed out (paid), on each side' }),
      ),
    progress: z.object({ provider_records: z.int(), payouts: z.int() }),
    failure: z.nullable(z.string()),
    items_csv_url: z.optional(z.string()).check(
      z.meta({
        description: 'Presigned GET of the items CSV, valid 5 minutes (a completed run, retrieved by id)',
      }),
    ),
    created_at: timestamp,
    completed_at: z.nullable(timestamp),
  })
  .check(z.meta({ id: 'ReconciliationRun' }));

const money = z.object({ amount: z.nullable(z.int()), currency: z.nullable(z.string()), status: z.string() });

export const reconciliationItemResource = z
  .object({
    id: z
      .string()
      .check(
        z.meta({ description: 'The payout id, or ext_{provider reference} for money no payout explains' }),
      ),
    object: z.literal('reconciliation_item'),
    run_id: z.string(),
    outcome: z.enum(RECONCILIATION_OUTCOMES),
    payout_id: z.nullable(z.string()),
    provider_reference: z.nullable(z.string()),
    platform: z.nullable(z.extend(money, { reference: z.string() })),
    provider: z.nullable(
      z.extend(money, { created_at: z.nullable(timestamp), found_by: z.enum(['statement', 'lookup']) }),
    ),
    resolution: z.nullable(
      z.object({ resolved_by: z.record(z.string(), z.unknown()), note: z.string(), resolved_at: timestamp }),
    ),
  })
  .check(z.meta({ id: 'ReconciliationItem' }));

const listOf = (item: z.ZodMiniType, id: string) =>
  z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z.nullable(z.string()),
    })
    .check(z.meta({ id }));

export const reconciliationRunList = listOf(reconciliationRunResource, 'ReconciliationRunList');
export const reconciliationItemList = listOf(reconciliationItemResource, 'ReconciliationItemList');
