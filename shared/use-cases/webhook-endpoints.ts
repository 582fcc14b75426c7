import { type Caller, stampFor, standaloneEntry } from '../domain/audit.js';
import { AppError, ConcurrentModificationError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import {
  generateSigningSecret,
  RECOVERY_MAX_DAYS,
  RECOVERY_MAX_DELIVERIES,
  rotateSecret,
  type WebhookEndpoint,
} from '../domain/webhooks.js';
import type { SecretSealer } from '../ports/secret-sealer.js';
import type { AuditLog } from '../ports/team-store.js';
import type { DeliveryQueue, RecoveryJobMessage, WebhookStore } from '../ports/webhook-store.js';
import { toAttemptResource, toEndpointResource } from '../schemas/webhooks.js';
import { checkWebhookUrl, type Resolver, type UrlPolicy } from '../webhooks/url-guard.js';

/** Webhook endpoints a tenant may have (D56). */
export const MAX_ENDPOINTS_PER_TENANT = 20;

/** Read–decide–write rounds before a change gives up (each lost to a concurrent write). */
const MAX_ATTEMPTS = 16;
/**
 * Failed deliveries one recovery slice redelivers before it queues the rest of the job: one page, so a
 * slice that times out and is retried repeats at most a hundred redeliveries.
 */
const RECOVERY_SLICE = 100;

/** Webhook endpoints: create (secret shown once), read, update, delete, rotate, attempts, recover. */
export function webhookEndpointsUseCase(deps: {
  webhooks: WebhookStore;
  audit: AuditLog;
  queue?: DeliveryQueue;
  policy: UrlPolicy;
  /** Signing secrets are stored sealed (KMS); the plaintext is returned once, to the caller. */
  sealer: SecretSealer;
  resolve?: Resolver;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const seal = (secret: string, tenantId: string, endpointId: string) =>
    deps.sealer.seal(secret, { tenant_id: tenantId, endpoint_id: endpointId });

  async function checkedUrl(url: string): Promise<string> {
    const verdict = await checkWebhookUrl(url, deps.policy, deps.resolve);
    if (!verdict.ok) throw new ValidationError([{ param: 'url', message: verdict.reason }]);
    return verdict.url.href;
  }

  async function existing(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await deps.webhooks.getEndpoint(tenantId, id);
    if (!endpoint) throw new NotFoundError('webhook endpoint', id);
    return endpoint;
  }

  /**
   * Reads the endpoint, decides its next version, writes it conditioned on the version read; if the
   * platform wrote meanwhile (a delivery updating the endpoint's health), reads and decides again.
   * A person's change never fails because a webhook was delivered at the same moment.
   */
  async function change(
    tenantId: string,
    id: string,
    decide: (current: WebhookEndpoint) => WebhookEndpoint,
  ): Promise<WebhookEndpoint> {
    for (let attempt = 1; ; attempt++) {
      const current = await existing(tenantId, id);
      const next = decide(current);
      try {
        await deps.webhooks.saveEndpoint({ current, next });
        return next;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError) || attempt >= MAX_ATTEMPTS) throw error;
        // A short, growing, jittered pause: a burst of delivery health writes passes instead of
        // winning every round (a loaded machine lost all 8 rounds twice in CI; 16 rounds wait at most
        // ~2.7 s in all). The right fix: health written beside the endpoint, not as a new version of it.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  return {
    async create(
      caller: Caller,
      body: { url: string; enabled_events: string[]; description?: string | null },
    ) {
      const { tenantId } = caller;
      // A cap, as Stripe's 16: every event fans out to each endpoint, so endpoints multiply the work.
      // Checked before the write: two creations at once may pass it by one, never by more than that.
      if ((await deps.webhooks.listEndpoints(tenantId)).length >= MAX_ENDPOINTS_PER_TENANT)
        throw new AppError(
          'conflict_error',
          'too_many_endpoints',
          `A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints: delete one you no longer use first.`,
        );
      const time = now();
      const at = new Date(time).toISOString();
      const secret = generateSigningSecret();
      const id = newId('we');
      const endpoint: WebhookEndpoint = {
        id,
        tenantId,
        url: await checkedUrl(body.url),
        description: body.description ?? null,
        enabledEvents: body.enabled_events,
        status: 'enabled',
        disabledReason: null,
        secrets: [{ secret: await seal(secret, tenantId, id), createdAt: at, expiresAt: null }],
        failingSince: null,
        createdAt: at,
        updatedAt: at,
        lastAction: stampFor(caller, 'webhook_endpoint.create', time),
        version: 1,
      };
      await deps.webhooks.createEndpoint(endpoint);
      return { ...toEndpointResource(endpoint), secret };
    },

    async list(tenantId: string) {
      const endpoints = await deps.webhooks.listEndpoints(tenantId);
      return {
        object: 'list' as const,
        data: endpoints.map(toEndpointResource),
        has_more: false,
        next_cursor: null,
      };
    },

    get: async (tenantId: string, id: string) => toEndpointResource(await existing(tenantId, id)),

    async update(
      caller: Caller,
      id: string,
      patch: {
        url?: string;
        enabled_events?: string[];
        description?: string | null;
        status?: 'enabled' | 'disabled';
      },
    ) {
      // The URL is checked (resolved) once; the rest is decided on each fresh read.
      const url = patch.url === undefined ? undefined : await checkedUrl(patch.url);
      const next = await change(caller.tenantId, id, (current) => {
        const reenabled = patch.status === 'enabled' && current.status === 'disabled';
        return {
          ...current,
          url: url ?? current.url,
          enabledEvents: patch.enabled_events ?? current.enabledEvents,
          description: patch.description === undefined ? current.description : patch.description,
          status: patch.status ?? current.status,
          disabledReason:
            patch.status === 'disabled' ? 'disabled by the API' : reenabled ? null : current.disabledReason,
          failingSince: reenabled ? null : current.failingSince,
          updatedAt: new Date(now()).toISOString(),
          lastAction: stampFor(caller, 'webhook_endpoint.update', now()),
          version: current.version + 1,
        };
      });
      return toEndpointResource(next);
    },

    async remove(caller: Caller, id: string) {
      const current = await existing(caller.tenantId, id);
      const entry = standaloneEntry(
        caller,
        'webhook_endpoint.delete',
        { type: 'webhook_endpoint', id },
        {
          url: { before: current.url, after: null },
        },
      );
      // The delete and its audit entry commit together.
      if (!(await deps.webhooks.deleteEndpoint(caller.tenantId, id, entry)))
        throw new NotFoundError('webhook endpoint', id);
      return { id, object: 'webhook_endpoint' as const, deleted: true };
    },

    async rotate(caller: Caller, id: string) {
      await existing(caller.tenantId, id);
      // One new secret, sealed once, whatever number of rounds the write takes.
      const secret = generateSigningSecret();
      const sealed = await seal(secret, caller.tenantId, id);
      await change(caller.tenantId, id, (current) => {
        const { endpoint } = rotateSecret(current, now(), secret);
        // The new secret is the first entry; the others were stored sealed already.
        const [fresh, ...kept] = endpoint.secrets;
        return {
          ...endpoint,
          secrets: [{ ...(fresh as (typeof endpoint.secrets)[number]), secret: sealed }, ...kept],
          lastAction: stampFor(caller, 'webhook_endpoint.rotate_secret', now()),
        };
      });
      return { secret };
    },

    async attempts(tenantId: string, id: string, query: { limit: number; starting_after?: string }) {
      await existing(tenantId, id);
      const page = await deps.webhooks.listAttempts(tenantId, id, {
        limit: query.limit,
        startingAfter: query.starting_after,
      });
      const data = page.items.map(toAttemptResource);
      return {
        object: 'list' as const,
        data,
        has_more: page.hasMore,
        next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
      };
    },

    /**
     * Redelivers the endpoint's failed deliveries created since `since` (at most 14 days back, at most
     * 10,000 of them), in the background: answered at once with how many will be redelivered; the
     * delivery worker does the work slice by slice (Svix's recovery).
     */
    async recover(caller: Caller, id: string, since: string) {
      const { tenantId } = caller;
      await existing(tenantId, id);
      const at = now();
      if (Date.parse(since) < at - RECOVERY_MAX_DAYS * 86_400_000)
        throw new ValidationError([
          {
            param: 'since',
            message: `must be within the last ${RECOVERY_MAX_DAYS} days (older events are in GET /v1/events)`,
          },
        ]);
      if (Date.parse(since) > at)
        throw new ValidationError([{ param: 'since', message: 'must not be in the future' }]);
      const until = new Date(at).toISOString();
      // How many will be redelivered: a count of the failed deliveries' index, stopping past the bound.
      const count = await deps.webhooks.countFailedDeliveries(tenantId, id, {
        since,
        until,
        max: RECOVERY_MAX_DELIVERIES,
      });
      const recovering = Math.min(count, RECOVERY_MAX_DELIVERIES);
      // Recording the request first: a redelivery asked for twice is harmless, one unrecorded is not.
      await deps.audit.append([
        standaloneEntry(
          caller,
          'webhook_endpoint.recover',
          { type: 'webhook_endpoint', id },
          {
            recovered: { before: null, after: recovering },
            since: { before: null, after: since },
          },
        ),
      ]);
      if (recovering > 0)
        await deps.queue?.enqueue([
          { job: 'recover', tenant_id: tenantId, endpoint_id: id, since, until, remaining: recovering },
        ]);
      return {
        object: 'webhook_recovery' as const,
        endpoint_id: id,
        since,
        until,
        status: 'queued' as const,
        recovered: recovering,
        // More failed deliveries than one recovery takes: the oldest wait for another request.
        truncated: count > RECOVERY_MAX_DELIVERIES,
      };
    },
  };
}

/**
 * One slice of a background recovery: redelivers one page (100) of failed deliveries, newest first,
 * then queues the rest of the job (or ends it). Each redelivery is an ordinary delivery message.
 */
export async function runRecoverySlice(
  deps: { webhooks: WebhookStore; queue: DeliveryQueue },
  job: RecoveryJobMessage,
): Promise<number> {
  if (job.remaining <= 0) return 0;
  const page = await deps.webhooks.failedDeliveries(job.tenant_id, job.endpoint_id, {
    since: job.since,
    until: job.until,
    startingAfter: job.after,
    limit: Math.min(RECOVERY_SLICE, job.remaining),
  });
  await deps.queue.enqueue(
    page.items.map((delivery) => ({
      tenant_id: job.tenant_id,
      delivery_id: delivery.id,
      endpoint_id: job.endpoint_id,
      recover: true,
    })),
  );
  const after = page.items.at(-1)?.id;
  const remaining = job.remaining - page.items.length;
  // The rest of the job is the next message (after this slice's redeliveries: a crash in between
  // repeats this slice, never skips it).
  if (page.hasMore && after && remaining > 0) await deps.queue.enqueue([{ ...job, after, remaining }]);
  return page.items.length;
}
