import type { AuditEntry } from '../../../domain/audit.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { actorSchema } from './actors.js';
import { maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const entrySchema = z.object({
  id: text,
  tenantId: text,
  at: text,
  action: text,
  actor: actorSchema,
  target: z.object({ type: text, id: text }),
  sourceIp: maybeText,
  requestId: maybeText,
  changes: z.catchall(z.object({}), z.object({ before: z.unknown(), after: z.unknown() })),
});
true satisfies Exactly<z.output<typeof entrySchema>, AuditEntry>;

/** The entry is stored whole under `entry`; the item's other attributes are copies for the filters. */
const auditItemSchema = z.object({ entry: entrySchema });

/**
 * An audit entry, listed per tenant newest first on gsi1. Flat copies of its action, actor and
 * target sit beside it for the log's filters (a FilterExpression reads top-level attributes).
 */
export const auditEntryMapper = {
  entity: 'audit_entry',
  toItem: (entry: AuditEntry) => ({
    ...keys.auditEntry(entry.tenantId, entry.id),
    gsi1pk: keys.auditOfTenant(entry.tenantId),
    gsi1sk: `${entry.at}#${entry.id}`,
    entity: 'audit_entry',
    fmt: ITEM_FORMAT,
    action: entry.action,
    actorId: entry.actor.type === 'system' ? 'system' : entry.actor.id,
    targetId: entry.target.id,
    entry,
  }),
  fromItem: (raw: Record<string, unknown>): AuditEntry =>
    parseStored('audit_entry', auditItemSchema, raw).entry,
} satisfies ItemMapper<AuditEntry>;
