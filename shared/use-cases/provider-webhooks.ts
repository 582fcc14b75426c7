import {
  type ConnectorRuntime,
  type ProviderWebhookEvent,
  type ProviderWebhookRequest,
  WebhookVerificationError,
} from '../connectors/connector.js';
import { type ConnectorName, isConnectorName } from '../domain/connectors.js';
import { AppError } from '../domain/errors.js';
import { PAYOUT_ID_PATTERN } from '../domain/ids.js';
import type { ConnectorStore } from '../ports/connector-store.js';
import { ProviderAuthenticationError, ProviderUnavailableError } from '../ports/payout-provider.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import type { ConnectorRegistry } from './connectors.js';
import { applyTransferOutcomeUseCase } from './execute-payout.js';

/** The largest provider webhook accepted (providers send a few KB). */
export const PROVIDER_WEBHOOK_MAX_BYTES = 256 * 1024;

const TENANT_ID = /^ten_[A-Za-z0-9]{1,64}$/;

function notFound(): AppError {
  // One answer for an unknown connector, tenant or configuration: nothing to learn by probing.
  return new AppError('not_found_error', 'resource_missing', 'No such provider webhook endpoint.');
}

/**
 * A provider's webhook: `POST /v1/provider-webhooks/{connector}/{tenant_id}`. No API key: the
 * provider's signature, checked with that tenant's secret for that connector, is the authentication.
 *
 *   bad or missing signature        → 400 `invalid_signature`, nothing read or changed
 *   an event seen before            → 200, nothing changes (recorded once per provider event id)
 *   an event for no payout of ours  → recorded `unmatched`, 200 (the provider would retry otherwise)
 *   an event for another rail's payout, or another transfer than the payout's → recorded, not applied
 *   otherwise                       → the payout, re-read from the table, moves forward (conditional)
 *
 * The event is recorded after it is applied: a crash in between applies it again on the provider's
 * retry, which changes nothing (the state machine only moves forward).
 */
export function receiveProviderWebhookUseCase(deps: {
  registry: ConnectorRegistry;
  store: ConnectorStore;
  payouts: PayoutRepository;
  credentialsOf: (
    tenantId: string,
    connector: string,
  ) => Promise<{ credentials: Record<string, string>; mode: 'test' | 'live' } | undefined>;
  runtimeFor: (name: ConnectorName, mode: 'test' | 'live', tenantId?: string) => ConnectorRuntime;
  log?: (message: string, details: Record<string, unknown>) => void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const apply = applyTransferOutcomeUseCase(deps);

  async function handle(
    tenantId: string,
    connector: ConnectorName,
    event: ProviderWebhookEvent,
  ): Promise<string> {
    if (await deps.store.getProviderEvent(tenantId, connector, event.eventId)) return 'duplicate';
    let result = 'unmatched';
    // Only an id of ours is looked up (a signed event may still name anything).
    const payout =
      event.payoutId && PAYOUT_ID_PATTERN.test(event.payoutId)
        ? await deps.payouts.get(tenantId, event.payoutId)
        : undefined;
    if (payout) {
      const rail = payout.connector ?? 'sandbox';
      const otherTransfer =
        payout.providerReference &&
        event.providerReference &&
        payout.providerReference !== event.providerReference;
      if (rail !== connector || otherTransfer) {
        result = 'mismatched';
        log('Provider event names a payout of another rail or transfer: recorded, not applied', {
          tenantId,
          connector,
          eventId: event.eventId,
          payoutId: payout.id,
          payoutConnector: rail,
          payoutReference: payout.providerReference,
          eventReference: event.providerReference,
        });
      } else if (event.outcome) result = await apply(tenantId, payout.id, event.outcome, connector);
      else result = 'unchanged';
    }
    await deps.store.recordProviderEvent({
      tenantId,
      connector,
      eventId: event.eventId,
      type: event.type,
      payoutId: payout?.id ?? event.payoutId,
      providerReference: event.providerReference,
      outcome: event.outcome,
      result,
      receivedAt: new Date(now()).toISOString(),
    });
    return result;
  }

  return async function receive(input: {
    connector: string;
    tenantId: string;
    request: ProviderWebhookRequest;
  }): Promise<{ received: number; results: string[] }> {
    const { connector: name, tenantId } = input;
    if (!isConnectorName(name) || !TENANT_ID.test(tenantId)) throw notFound();
    const connector = deps.registry[name];
    if (!connector) throw notFound();
    const configured = await deps.credentialsOf(tenantId, name);
    if (!configured) throw notFound();
    let events: ProviderWebhookEvent[];
    try {
      events = await connector.verifyWebhook(
        input.request,
        configured.credentials,
        deps.runtimeFor(name, configured.mode, tenantId),
      );
    } catch (error) {
      if (error instanceof WebhookVerificationError)
        throw new AppError(
          'invalid_request_error',
          'invalid_signature',
          `The webhook's signature is not valid: ${error.message}`,
          {
            param: 'signature',
          },
        );
      if (error instanceof ProviderAuthenticationError)
        // The tenant's credentials were refused while verifying (PayPal's postback): an admin must fix
        // them; the provider retries meanwhile, and the error log is the alarm.
        log('Provider refused the connector credentials while verifying a webhook', {
          tenantId,
          connector: name,
        });
      if (error instanceof ProviderUnavailableError || error instanceof ProviderAuthenticationError)
        // The provider could not confirm the signature now (PayPal verifies by postback): ask it to retry.
        throw new AppError(
          'rate_limit_error',
          'verification_unavailable',
          'The signature cannot be verified right now; retry later.',
          {
            statusCode: 503,
            headers: {
              'Retry-After': String(
                (error instanceof ProviderUnavailableError && error.retryAfterSeconds) || 60,
              ),
            },
          },
        );
      throw error;
    }
    const results: string[] = [];
    for (const event of events) results.push(await handle(tenantId, name, event));
    log('Provider webhook received', {
      tenantId,
      connector: name,
      events: events.map((event) => event.eventId),
      results,
    });
    return { received: events.length, results };
  };
}
