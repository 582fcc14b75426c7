import type { ActionStamp, Actor } from '../../../domain/audit.js';
import { AUDIT_ACTIONS } from '../../../domain/catalog.js';
import * as z from '../../../zod.js';
import type { Exactly } from './stored-item.js';

/** Who did something, as stored on payouts, audit entries and the items a person changes. */
export const actorSchema = z.union([
  z.object({ type: z.literal('member'), id: z.string(), name: z.string(), email: z.string() }),
  z.object({ type: z.literal('api_key'), id: z.string(), createdBy: z.optional(z.nullable(z.string())) }),
  z.object({ type: z.literal('system') }),
]);

/** The last action taken on an item (the relay turns it into an audit entry). */
export const actionStampSchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actor: actorSchema,
  at: z.string(),
  sourceIp: z.nullable(z.string()),
  requestId: z.nullable(z.string()),
});

true satisfies Exactly<z.output<typeof actorSchema>, Actor>;
true satisfies Exactly<z.output<typeof actionStampSchema>, ActionStamp>;
