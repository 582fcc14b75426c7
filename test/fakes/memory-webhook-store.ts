import type { AuditEntry } from '../../shared/domain/audit.js';
import { ConcurrentModificationError } from '../../shared/domain/errors.js';
import type { WebhookEndpoint } from '../../shared/domain/webhooks.js';
import type { Page } from '../../shared/ports/payout-repository.js';
import type { Delivery, DeliveryAttempt, WebhookStore } from '../../shared/ports/webhook-store.js';
import { MemoryAuditLog } from './memory-audit-log.js';
import { newestFirstPage, oldestFirst } from './newest-first.js';

/**
 * {@link WebhookStore} in memory (shared/adapters/dynamodb/webhook-store.ts):
 * - an endpoint is created only under a new id (the adapter lets DynamoDB's raw
 *   ConditionalCheckFailedException through; here a plain Error of that name), saved only if still at
 *   the version read (ConcurrentModificationError), deleted together with its audit entry (written to
 *   the audit log given);
 * - a delivery is written only if still at the attempts and status read (none: it must not exist),
 *   else ConcurrentModificationError and its attempt is not written;
 * - attempts list newest first by `{attemptedAt}#{id}`; failed deliveries by `{createdAt}#{id}`
 *   within `[since, until)`.
 */
export class MemoryWebhookStore implements WebhookStore {
  private readonly endpoints = new Map<string, WebhookEndpoint>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly attempts = new Map<string, DeliveryAttempt>();
  /** Deliveries that succeeded at their first attempt: final (D83). */
  private readonly final = new Set<string>();

  constructor(readonly audit: MemoryAuditLog = new MemoryAuditLog()) {}

  async createEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    const key = slot(endpoint.tenantId, endpoint.id);
    if (this.endpoints.has(key)) throw conditionalCheckFailed();
    this.endpoints.set(key, structuredClone(endpoint));
  }

  async getEndpoint(tenantId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
    const endpoint = this.endpoints.get(slot(tenantId, endpointId));
    return endpoint && structuredClone(endpoint);
  }

  async listEndpoints(tenantId: string): Promise<WebhookEndpoint[]> {
    return oldestFirst([...this.endpoints.values()].filter((endpoint) => endpoint.tenantId === tenantId)).map(
      (endpoint) => structuredClone(endpoint),
    );
  }

  async saveEndpoint(input: { current: WebhookEndpoint; next: WebhookEndpoint }): Promise<void> {
    const { current, next } = input;
    if (this.endpoints.get(slot(current.tenantId, current.id))?.version !== current.version)
      throw new ConcurrentModificationError();
    this.endpoints.set(slot(next.tenantId, next.id), structuredClone(next));
  }

  async deleteEndpoint(tenantId: string, endpointId: string, audit: AuditEntry): Promise<boolean> {
    if (!this.endpoints.delete(slot(tenantId, endpointId))) return false;
    this.audit.write(audit);
    return true;
  }

  async getDelivery(tenantId: string, deliveryId: string): Promise<Delivery | undefined> {
    const delivery = this.deliveries.get(slot(tenantId, deliveryId));
    return delivery && structuredClone(delivery);
  }

  async saveDelivery(input: {
    current: Delivery | undefined;
    next: Delivery;
    attempt?: DeliveryAttempt;
  }): Promise<void> {
    const { current, next, attempt } = input;
    const stored = this.deliveries.get(slot(next.tenantId, next.id));
    const unchanged = current
      ? stored?.attempts === current.attempts && stored?.status === current.status
      : stored === undefined;
    // A delivery that succeeded at its first attempt is final (the port; D83).
    if (!unchanged || this.final.has(slot(next.tenantId, next.id))) throw new ConcurrentModificationError();
    this.deliveries.set(slot(next.tenantId, next.id), structuredClone(next));
    if (!current && attempt?.attempt === 1 && attempt.succeeded && next.status === 'succeeded')
      this.final.add(slot(next.tenantId, next.id));
    if (attempt) this.attempts.set(slot(attempt.tenantId, attempt.id), structuredClone(attempt));
  }

  async listAttempts(
    tenantId: string,
    endpointId: string,
    filter: { limit: number; startingAfter?: string },
  ): Promise<Page<DeliveryAttempt>> {
    const ofEndpoint = [...this.attempts.values()].filter(
      (attempt) => attempt.tenantId === tenantId && attempt.endpointId === endpointId,
    );
    return newestFirstPage(structuredClone(ofEndpoint), {
      timeOf: (attempt) => attempt.attemptedAt,
      limit: filter.limit,
      startingAfter: filter.startingAfter,
      cursorOf: (id) => this.attempts.get(slot(tenantId, id)),
    });
  }

  async countFailedDeliveries(
    tenantId: string,
    endpointId: string,
    query: { since: string; until: string; max: number },
  ): Promise<number> {
    // The adapter stops counting once past `max`: any figure above it means "more than max".
    return Math.min(this.failed(tenantId, endpointId, query).length, query.max + 1);
  }

  async failedDeliveries(
    tenantId: string,
    endpointId: string,
    query: { since: string; until: string; startingAfter?: string; limit: number },
  ): Promise<Page<Delivery>> {
    return newestFirstPage(structuredClone(this.failed(tenantId, endpointId, query)), {
      timeOf: (delivery) => delivery.createdAt,
      limit: query.limit,
      startingAfter: query.startingAfter,
      cursorOf: (id) => this.deliveries.get(slot(tenantId, id)),
    });
  }

  private failed(tenantId: string, endpointId: string, range: { since: string; until: string }) {
    return [...this.deliveries.values()].filter(
      (delivery) =>
        delivery.tenantId === tenantId &&
        delivery.endpointId === endpointId &&
        delivery.status === 'failed' &&
        delivery.createdAt >= range.since &&
        delivery.createdAt < range.until,
    );
  }
}

function conditionalCheckFailed(): Error {
  const error = new Error('The conditional request failed');
  error.name = 'ConditionalCheckFailedException';
  return error;
}

const slot = (tenantId: string, id: string) => `${tenantId}#${id}`;
