import { PAYOUT_PURPOSES, PAYOUT_SOURCES } from '../../../domain/catalog.js';
import type { Report } from '../../../domain/reports.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { actionStampSchema, actorSchema } from './actors.js';
import { count, maybeCount, maybeText, text } from './fields.js';
import { payoutStatusSchema } from './payout.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const reportSchema = z.object({
  id: text,
  tenantId: text,
  status: z.enum(['pending', 'running', 'ready', 'failed']),
  filters: z.object({
    createdGte: text,
    createdLt: text,
    status: z.optional(payoutStatusSchema),
    source: z.optional(z.enum(PAYOUT_SOURCES)),
    purpose: z.optional(z.enum(PAYOUT_PURPOSES)),
    currency: z.optional(text),
  }),
  requestedBy: actorSchema,
  trigger: z.enum(['request', 'scheduled']),
  rows: maybeCount,
  totals: z.nullable(
    z.array(
      z.object({
        currency: text,
        status: payoutStatusSchema,
        count,
        // Decimal digits; reports written before 2026-12 stored the sum as a number (still format 1).
        amount: z.union([
          text,
          z.pipe(
            z.int(),
            z.transform((amount) => BigInt(amount).toString()),
          ),
        ]),
      }),
    ),
  ),
  fileKey: text,
  summaryKey: text,
  failure: maybeText,
  createdAt: text,
  updatedAt: text,
  completedAt: maybeText,
  lastAction: z.optional(actionStampSchema),
  version: count,
});
true satisfies Exactly<z.output<typeof reportSchema>, Report>;

/** A report export job, listed per tenant newest first on gsi1. */
export const reportMapper = {
  entity: 'report',
  toItem: (report: Report) => ({
    ...keys.report(report.tenantId, report.id),
    gsi1pk: keys.reportsOfTenant(report.tenantId),
    gsi1sk: listingKey(report),
    entity: 'report',
    fmt: ITEM_FORMAT,
    ...report,
  }),
  fromItem: (raw: Record<string, unknown>): Report => parseStored('report', reportSchema, raw),
} satisfies ItemMapper<Report>;
