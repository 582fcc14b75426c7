import type { Payout, PayoutStatus } from '../domain/payout.js';
import type { PayoutResource } from '../schemas/payouts.js';

/** A response kept with an idempotency key, replayed byte for byte on a retry. */
export interface StoredResponse {
  statusCode: number;
  body: string;
}

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  /** sha256 of the operation and the canonical request body. */
  fingerprint: string;
  response: StoredResponse;
  createdAt: string;
  /** Epoch seconds; the record is void after this even if DynamoDB TTL has not removed it yet. */
  expiresAt: number;
}

export const EVENT_TYPES = [
  'payout.created',
  'payout.approval_requested',
  'payout.approved',
  'payout.rejected',
  'payout.expired',
  'payout.queued',
  'payout.processing',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An outbox entry: committed in the same transaction as the change it describes. */
export interface PayoutEvent {
  id: string;
  tenantId: string;
  type: EventType;
  createdAt: string;
  payoutId: string;
  payoutVersion: number;
  /** The payout as the API showed it right after the change. */
  data: PayoutResource;
}

export interface ListPayoutsFilter {
  status?: PayoutStatus;
  purpose?: Payout['purpose'];
  reference?: string;
  createdGte?: string;
  createdLt?: string;
  limit: number;
  startingAfter?: string;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** Payout storage. Every write is conditional; lost races surface as the errors below. */
export interface PayoutRepository {
  /**
   * Writes the idempotency record, the reference guard, the payout and its event atomically.
   * @throws IdempotencyKeyTakenError, ReferenceTakenError, WriteConflictError
   */
  create(input: { payout: Payout; event: PayoutEvent; idempotency: IdempotencyRecord }): Promise<void>;
  get(tenantId: string, payoutId: string): Promise<Payout | undefined>;
  findIdByReference(tenantId: string, reference: string): Promise<string | undefined>;
  list(tenantId: string, filter: ListPayoutsFilter): Promise<Page<Payout>>;
  /**
   * Replaces `current` with `next` if the stored payout still has `current`'s status and version,
   * and commits `event` with it. @throws ConcurrentModificationError
   */
  transition(input: { current: Payout; next: Payout; event: PayoutEvent }): Promise<void>;
}

export interface IdempotencyStore {
  /** Strongly consistent read of the base table; an expired record reads as undefined. */
  get(tenantId: string, key: string, nowSeconds: number): Promise<IdempotencyRecord | undefined>;
}
