import { type Caller, stampFor, standaloneEntry } from '../domain/audit.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { generateSigningSecret, rotateSecret, type WebhookEndpoint } from '../domain/webhooks.js';
import type { SecretSealer } from '../ports/secret-sealer.js';
import type { AuditLog } from '../ports/team-store.js';
import type { DeliveryQueue, WebhookStore } from '../ports/webhook-store.js';
import { toAttemptResource, toEndpointResource } from '../schemas/webhooks.js';
import { checkWebhookUrl, type Resolver, type UrlPolicy } from '../webhooks/url-guard.js';

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

  return {
    async create(
      caller: Caller,
      body: { url: string; enabled_events: string[]; description?: string | null },
    ) {
      const { tenantId } = caller;
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
      const current = await existing(caller.tenantId, id);
      const reenabled = patch.status === 'enabled' && current.status === 'disabled';
      const next: WebhookEndpoint = {
        ...current,
        url: patch.url === undefined ? current.url : await checkedUrl(patch.url),
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
      await deps.webhooks.saveEndpoint({ current, next });
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
      const current = await existing(caller.tenantId, id);
      const { endpoint, secret } = rotateSecret(current, now());
      // The new secret is the first entry; the others were stored sealed already.
      const [fresh, ...kept] = endpoint.secrets;
      const sealed = {
        ...(fresh as (typeof endpoint.secrets)[number]),
        secret: await seal(secret, caller.tenantId, id),
      };
      const next = {
        ...endpoint,
        secrets: [sealed, ...kept],
        lastAction: stampFor(caller, 'webhook_endpoint.rotate_secret', now()),
      };
      await deps.webhooks.saveEndpoint({ current, next });
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

    /** Queues every failed delivery of the endpoint created since `since` for a new round of attempts. */
    async recover(caller: Caller, id: string, since: string) {
      const { tenantId } = caller;
      await existing(tenantId, id);
      const failed = await deps.webhooks.failedDeliveriesSince(tenantId, id, since);
      // Recording the request first: a redelivery asked for twice is harmless, one unrecorded is not.
      await deps.audit.append([
        standaloneEntry(
          caller,
          'webhook_endpoint.recover',
          { type: 'webhook_endpoint', id },
          {
            recovered: { before: null, after: failed.length },
            since: { before: null, after: since },
          },
        ),
      ]);
      await deps.queue?.enqueue(
        failed.map((delivery) => ({
          tenant_id: tenantId,
          delivery_id: delivery.id,
          endpoint_id: id,
          recover: true,
        })),
      );
      return { object: 'webhook_recovery' as const, endpoint_id: id, since, recovered: failed.length };
    },
  };
}
