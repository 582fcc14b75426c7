import type { SweepMark } from '../../../ports/outbox.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { TABLE_DEFINITION } from '../table-definition.js';
import { count, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, parseStored } from './stored-item.js';

const sweepMarkSchema = z.object({ tenantId: text, payoutId: text, status: text, count, nextAt: text });
true satisfies Exactly<z.output<typeof sweepMarkSchema>, SweepMark>;

/** The outbox sweeper's note beside a payout; it expires (the table's TTL) `keepDays` after `nextAt`. */
export const sweepMarkMapper = {
  entity: 'outbox_sweep',
  toItem: (mark: SweepMark, keepDays: number) => ({
    ...keys.outboxSweep(mark.tenantId, mark.payoutId),
    entity: 'outbox_sweep',
    fmt: ITEM_FORMAT,
    ...mark,
    [TABLE_DEFINITION.ttlAttribute]: Math.floor(Date.parse(mark.nextAt) / 1000) + keepDays * 86_400,
  }),
  fromItem: (raw: Record<string, unknown>): SweepMark => parseStored('outbox_sweep', sweepMarkSchema, raw),
};
