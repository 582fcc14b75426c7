import type { InboundOrigin, InboundRejection } from '../../../ports/inbound-store.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

/** An inbound origin routed to its tenant (the origin's attributes `kind` and `value` stored flat). */
export type InboundRoute = InboundOrigin & { tenantId: string; createdAt: string };

const routeSchema = z.object({
  kind: z.enum(['event_source', 'sqs_sender', 's3_prefix']),
  value: text,
  tenantId: text,
  createdAt: text,
});
true satisfies Exactly<z.output<typeof routeSchema>, InboundRoute>;

/** An event source, SQS sender or S3 prefix → its tenant (issue 9), listed per tenant on gsi1. */
export const inboundRouteMapper = {
  entity: 'inbound_route',
  toItem: ({ kind, value, tenantId, createdAt }: InboundRoute) => ({
    ...keys.inboundRoute(kind, value),
    gsi1pk: keys.inboundRoutesOfTenant(tenantId),
    gsi1sk: `${kind}#${value}`,
    entity: 'inbound_route',
    fmt: ITEM_FORMAT,
    tenantId,
    kind,
    value,
    createdAt,
  }),
  fromItem: (raw: Record<string, unknown>): InboundRoute => parseStored('inbound_route', routeSchema, raw),
} satisfies ItemMapper<InboundRoute>;

const rejectionSchema = z.object({
  id: text,
  tenantId: text,
  channel: z.enum(['eventbridge', 'sqs', 's3']),
  origin: text,
  idempotencyKey: maybeText,
  reference: maybeText,
  reason: z.object({ code: text, message: text, details: z.array(z.object({ param: text, message: text })) }),
  createdAt: text,
});
true satisfies Exactly<z.output<typeof rejectionSchema>, InboundRejection>;

/** A refused inbound payout request, stored once (its stream record is `payout.request_rejected`). */
export const inboundRejectionMapper = {
  entity: 'payout_request_rejection',
  toItem: (rejection: InboundRejection) => ({
    ...keys.inboundRejection(rejection.tenantId, rejection.id),
    entity: 'payout_request_rejection',
    fmt: ITEM_FORMAT,
    ...rejection,
  }),
  fromItem: (raw: Record<string, unknown>): InboundRejection =>
    parseStored('payout_request_rejection', rejectionSchema, raw),
} satisfies ItemMapper<InboundRejection>;
