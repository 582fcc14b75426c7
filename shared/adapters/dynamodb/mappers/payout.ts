import {
  type ApprovalDecision,
  type ApprovalState,
  isSettled,
  PAYOUT_PURPOSES,
  PAYOUT_SOURCES,
  PAYOUT_STATUSES,
  type Payout,
} from '../../../domain/payout.js';
import type { IdempotencyRecord } from '../../../ports/payout-repository.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey, shardedPartition } from '../newest-first.js';
import { actionStampSchema, actorSchema } from './actors.js';
import { count, maybeText, optionalText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

export const payoutStatusSchema = z.enum(PAYOUT_STATUSES);
const status = payoutStatusSchema;

/** Where a payout goes (a payout's and a batch item's `destination`). */
export const destinationSchema = z.union([
  z.object({
    type: z.literal('bank_account'),
    account_holder_name: text,
    iban: text,
    bic: z.optional(text),
  }),
  z.object({ type: z.literal('email'), email: text }),
  z.object({ type: z.literal('stripe_account'), account: text }),
]);

/** An approver's decision as stored: the item keeps the API's names (`user_id`). */
const decision = z.pipe(
  z.object({ user_id: text, name: text, at: text, comment: maybeText }),
  z.transform(({ user_id, ...rest }) => ({ userId: user_id, ...rest })),
);
const storedDecision = ({ userId, ...rest }: ApprovalDecision) => ({ user_id: userId, ...rest });

/** A payout item's attributes (the attribute names are the domain's, as they always were). */
const payoutSchema = z.object({
  id: text,
  tenantId: text,
  status,
  amount: count,
  currency: text,
  destination: destinationSchema,
  reference: text,
  purpose: z.enum(PAYOUT_PURPOSES),
  description: maybeText,
  metadata: z.catchall(z.object({}), text),
  source: z.enum(PAYOUT_SOURCES),
  batchId: maybeText,
  // Stored as it always was (`rejected_by`, `expires_at`: the audit log's diffs name these); the
  // domain's names are camelCase.
  approval: z.nullable(
    z.pipe(
      z.object({
        required: count,
        approvals: z.array(decision),
        rejected_by: z.nullable(decision),
        expires_at: text,
      }),
      z.transform(({ rejected_by, expires_at, ...rest }) => ({
        ...rest,
        rejectedBy: rejected_by,
        expiresAt: expires_at,
      })),
    ),
  ),
  failureCode: maybeText,
  failureMessage: maybeText,
  providerReference: maybeText,
  connector: optionalText,
  connectorAccount: optionalText,
  returnCode: optionalText,
  returnedAt: optionalText,
  createdAt: text,
  updatedAt: text,
  paidAt: maybeText,
  execution: z.nullable(z.object({ attempts: count, leaseExpiresAt: text })),
  manual: z.optional(
    z.nullable(
      z.object({
        reasonCode: text,
        rationale: text,
        ticketUrl: text,
        customerReference: text,
        attachment: z.nullable(z.object({ key: text, filename: text, contentType: text, size: count })),
        requestedBy: actorSchema,
      }),
    ),
  ),
  history: z.optional(z.array(z.object({ status, at: text, actor: actorSchema }))),
  lastAction: z.optional(actionStampSchema),
  approvalTask: z.optional(z.nullable(z.object({ token: text }))),
  version: count,
});
true satisfies Exactly<z.output<typeof payoutSchema>, Payout>;

function storedApproval({ rejectedBy, expiresAt, approvals, ...rest }: ApprovalState) {
  return {
    ...rest,
    approvals: approvals.map(storedDecision),
    rejected_by: rejectedBy && storedDecision(rejectedBy),
    expires_at: expiresAt,
  };
}

/** The attributes a projection of payouts reads (`statusesOf`, `batchesOf`, a failed condition's item). */
const statusOnly = z.pick(payoutSchema, { status: true });
const batchOnly = z.pick(payoutSchema, { id: true, batchId: true });

/**
 * A payout item: the payout itself, listed newest first on gsi1 (8 shards), and on gsi2 while it is
 * open (the outbox sweeper's index; a final payout's Put drops those attributes).
 */
export const payoutMapper = {
  entity: 'payout',
  toItem: (payout: Payout) => ({
    ...keys.payout(payout.tenantId, payout.id),
    gsi1pk: shardedPartition(keys.payoutsOfTenant(payout.tenantId), payout.id),
    gsi1sk: listingKey(payout),
    ...(isSettled(payout.status) ? {} : keys.openPayout(payout)),
    entity: 'payout',
    fmt: ITEM_FORMAT,
    ...payout,
    approval: payout.approval && storedApproval(payout.approval),
  }),
  fromItem: (raw: Record<string, unknown>): Payout => parseStored('payout', payoutSchema, raw),
  /** The status of an item read with the projection `status`. */
  statusOf: (raw: Record<string, unknown>) => parseStored('payout', statusOnly, raw).status,
  /** The id and batch of an item read with the projection `id, batchId` (`batchId` may be absent). */
  batchOf: (raw: Record<string, unknown>) => parseStored('payout', batchOnly, { batchId: null, ...raw }),
} satisfies ItemMapper<Payout> & Record<string, unknown>;

const idempotencySchema = z.object({
  tenantId: z.string(),
  key: z.string(),
  fingerprint: z.string(),
  response: z.object({ statusCode: z.number(), body: z.string() }),
  createdAt: z.string(),
  expires_at: z.number(),
});

/** An idempotency record; its expiry is stored as `expires_at` (epoch seconds), the table's TTL attribute. */
export const idempotencyMapper = {
  entity: 'idempotency',
  toItem: ({ expiresAt, ...rest }: IdempotencyRecord) => ({
    ...keys.idempotency(rest.tenantId, rest.key),
    entity: 'idempotency',
    fmt: ITEM_FORMAT,
    ...rest,
    expires_at: expiresAt,
  }),
  fromItem: (raw: Record<string, unknown>): IdempotencyRecord => {
    const { expires_at, ...rest } = parseStored('idempotency', idempotencySchema, raw);
    return { ...rest, expiresAt: expires_at };
  },
} satisfies ItemMapper<IdempotencyRecord>;
