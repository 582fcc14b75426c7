import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from '../domain/catalog.js';
import * as z from '../zod.js';
import { timestamp } from './common.js';
import { currencyCode } from './currency.js';

/** The longest range one report may cover: a year (split longer audits into several). */
const MAX_RANGE_DAYS = 366;

export const createReportBody = z
  .strictObject({
    created_gte: timestamp,
    created_lt: timestamp,
    status: z.optional(z.enum(PAYOUT_STATUSES)),
    source: z.optional(z.enum(PAYOUT_SOURCES)),
    purpose: z.optional(z.enum(PAYOUT_PURPOSES)),
    currency: z.optional(currencyCode),
  })
  .check(
    z.refine((body) => Date.parse(body.created_gte) < Date.parse(body.created_lt), {
      message: 'must be after created_gte',
      path: ['created_lt'],
    }),
    z.refine(
      (body) => Date.parse(body.created_lt) - Date.parse(body.created_gte) <= MAX_RANGE_DAYS * 86_400_000,
      {
        message: `the range may cover at most ${MAX_RANGE_DAYS} days`,
        path: ['created_lt'],
      },
    ),
    z.meta({ id: 'CreateReportRequest' }),
  );

export const reportIdParams = z.strictObject({
  id: z.string().check(z.regex(/^rep_[0-9A-Z]{26}$/, 'must be a report id')),
});

export const listReportsQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  starting_after: z.optional(
    z.string().check(z.regex(/^rep_[0-9A-Z]{26}$/, 'must be a report id (next_cursor)')),
  ),
});

/** The API's filters → the domain's. */
export function reportFilters(body: z.output<typeof createReportBody>) {
  return {
    createdGte: new Date(body.created_gte).toISOString(),
    createdLt: new Date(body.created_lt).toISOString(),
    ...(body.status ? { status: body.status } : {}),
    ...(body.source ? { source: body.source } : {}),
    ...(body.purpose ? { purpose: body.purpose } : {}),
    ...(body.currency ? { currency: body.currency } : {}),
  };
}

const filtersResource = z.object({
  created_gte: timestamp,
  created_lt: timestamp,
  status: z.nullable(z.enum(PAYOUT_STATUSES)),
  source: z.nullable(z.enum(PAYOUT_SOURCES)),
  purpose: z.nullable(z.enum(PAYOUT_PURPOSES)),
  currency: z.nullable(z.string()),
});

export const reportResource = z
  .object({
    id: z.string().check(z.meta({ example: 'rep_01JD7X2Q4M6N8P0R2S4T6V8W0Y' })),
    object: z.literal('report'),
    status: z.enum(['pending', 'running', 'ready', 'failed']),
    trigger: z.enum(['request', 'scheduled']),
    filters: filtersResource,
    requested_by: z.record(z.string(), z.unknown()),
    rows: z.nullable(z.int()),
    totals: z.nullable(
      z.array(
        z.object({
          currency: z.string(),
          status: z.string(),
          count: z.int(),
          amount: z.nullable(z.int()).check(
            z.meta({
              description:
                'Sum in minor units; null when it passes 2^53 (JSON readers would round it): see amount_decimal',
            }),
          ),
          amount_decimal: z
            .string()
            .check(
              z.meta({ description: 'The exact sum in minor units as decimal digits', example: '1250000' }),
            ),
        }),
      ),
    ),
    failure: z.nullable(z.string()),
    download_url: z
      .nullable(z.string())
      .check(z.meta({ description: 'Presigned GET of the CSV, valid 5 minutes (ready only)' })),
    summary_url: z
      .nullable(z.string())
      .check(z.meta({ description: 'Presigned GET of the totals sidecar CSV (ready only)' })),
    created_at: timestamp,
    completed_at: z.nullable(timestamp),
  })
  .check(z.meta({ id: 'Report' }));

export const reportList = z
  .object({
    object: z.literal('list'),
    data: z.array(reportResource),
    has_more: z.boolean(),
    next_cursor: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'ReportList' }));
