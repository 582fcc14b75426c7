import type { AuditEntry } from '../domain/audit.js';
import type { WebhookEndpoint } from '../domain/webhooks.js';
import type { EventResource } from './event-store.js';
import type { Page } from './payout-repository.js';

/** One event for one endpoint: created by its first attempt, id derived from (event, endpoint). */
export interface Delivery {
  id: string;
  tenantId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  /** Attempts made before the current retry cycle (a recovery starts a new cycle). */
  cycleStart: number;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Each attempt is its own record. */
export interface DeliveryAttempt {
  id: string;
  tenantId: string;
  deliveryId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  succeeded: boolean;
}

export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(tenantId: string, endpointId: string): Promise<WebhookEndpoint | undefined>;
  listEndpoints(tenantId: string): Promise<WebhookEndpoint[]>;
  /** @throws ConcurrentModificationError when `current` is no longer what is stored */
  saveEndpoint(input: { current: WebhookEndpoint; next: WebhookEndpoint }): Promise<void>;
  /** Deletes the endpoint and appends its audit entry in one transaction; false if it did not exist. */
  deleteEndpoint(tenantId: string, endpointId: string, audit: AuditEntry): Promise<boolean>;

  getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined>;
  /**
   * Writes the delivery if the stored one is still `current` (`current` undefined: it must not exist
   * yet, its first attempt), then its attempt; a lost race writes neither. A delivery that succeeded
   * at its first attempt is final: the store may keep that attempt in the delivery (D83) and refuses
   * any later write of it.
   * @throws ConcurrentModificationError when `current` is no longer what is stored, or is final
   */
  saveDelivery(input: {
    current: Delivery | undefined;
    next: Delivery;
    attempt?: DeliveryAttempt;
  }): Promise<void>;
  listAttempts(
    tenantId: string,
    endpointId: string,
    filter: { limit: number; startingAfter?: string },
  ): Promise<Page<DeliveryAttempt>>;
  /** How many failed deliveries of the endpoint were created in `[since, until)`, counting up to `max`. */
  countFailedDeliveries(
    tenantId: string,
    endpointId: string,
    query: { since: string; until: string; max: number },
  ): Promise<number>;
  /** One page of the endpoint's failed deliveries created in `[since, until)`, newest first. */
  failedDeliveries(
    tenantId: string,
    endpointId: string,
    query: { since: string; until: string; startingAfter?: string; limit: number },
  ): Promise<Page<Delivery>>;
}

/** A message for the delivery queue. */
export interface DeliveryMessage {
  tenant_id: string;
  delivery_id: string;
  endpoint_id: string;
  /** Present on fan-out; a recovery resends the stored event instead. */
  event?: EventResource;
  recover?: boolean;
}

/**
 * A recovery running in the background (Svix's model): the delivery worker redelivers one slice of the
 * endpoint's failed deliveries, then queues the rest of the job as the next message.
 */
export interface RecoveryJobMessage {
  job: 'recover';
  tenant_id: string;
  endpoint_id: string;
  since: string;
  until: string;
  /** The last delivery of the previous slice (newest first): where this one starts. */
  after?: string;
  /** Deliveries the job may still redeliver (at most 10,000 in all). */
  remaining: number;
}

export interface DeliveryQueue {
  enqueue(messages: readonly (DeliveryMessage | RecoveryJobMessage)[]): Promise<void>;
}

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  timedOut: boolean;
  responseExcerpt: string | null;
  retryAfterSeconds?: number;
}

/** POSTs a signed webhook: no redirects followed, a hard timeout, the SSRF guard at connect time. */
export interface WebhookSender {
  send(input: { url: string; headers: Record<string, string>; body: string }): Promise<SendResult>;
}
