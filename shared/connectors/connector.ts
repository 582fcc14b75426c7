import type { TransferOutcome } from '../domain/execution.js';
import type { Destination } from '../domain/payout.js';
import type { ConnectorProvider } from '../ports/payout-provider.js';
import type * as z from '../zod.js';
import type { RequestLimiter } from './token-bucket.js';

/** How a connector reaches its provider: the only things that differ between tests, test mode and live. */
export interface ConnectorRuntime {
  /**
   * The provider's API base URL. Chosen by the deployment (the provider's test or live host, or a
   * local fake in tests), never by the tenant: a tenant cannot send its credentials elsewhere.
   */
  baseUrl: string;
  /** How long one HTTP call may take before its outcome counts as unknown. */
  timeoutMs: number;
  /** The connector's request-rate limit (a token bucket), shared by every call of this container. */
  limiter: RequestLimiter;
  fetch?: typeof fetch;
  now?: () => number;
}

/** What a provider's webhook says about one transfer, after its signature was verified. */
export interface ProviderWebhookEvent {
  /** The provider's event id: the same event delivered twice is applied once (deduplicated on it). */
  eventId: string;
  /** The provider's event type, as sent (`transfer.reversed`, `balancePlatform.transfer.updated`…). */
  type: string;
  /**
   * The payout the transfer belongs to: the id the connector sent as the provider's reference
   * (`transfer_group`, `reference`, `sender_batch_id`); null when the event names none of ours.
   */
  payoutId: string | null;
  /** The provider's id of the transfer (compared with the payout's `provider_reference` when set). */
  providerReference: string | null;
  /** What it means for the payout; null for events that change nothing (informational). */
  outcome: TransferOutcome | null;
}

/** A provider webhook request as it arrived: the raw body (signatures cover bytes) and its headers. */
export interface ProviderWebhookRequest {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: string;
}

/** The signature is missing, malformed, made with another secret, or too old: 400, nothing changes. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/**
 * A payout rail. Each connector is its own folder (shared/connectors/<name>/) exporting one of these;
 * the executor, the provider-webhook function and the configuration use cases know only this shape.
 *
 * `Credentials` is what a tenant configures (API keys, signing secrets, account ids). All of it is
 * stored sealed with KMS and never returned; `publicFields` names the parts shown back in listings
 * (an account id, never a key).
 */
export interface Connector<Credentials extends Record<string, string> = Record<string, string>> {
  readonly name: string;
  /** What people read in the portal (`Stripe Connect`, `Adyen Transfers`…). */
  readonly label: string;
  /** The destination types this rail can carry. */
  readonly destinationTypes: readonly Destination['type'][];
  /** The credentials a tenant sets, validated (field names are the CLI's and the portal's). */
  readonly credentials: z.ZodMiniType<Credentials>;
  /** Credential fields safe to show back (ids, never keys or secrets). */
  readonly publicFields: readonly (keyof Credentials & string)[];
  /** The provider's API hosts per mode; a deployment may point a connector elsewhere (tests, fakes). */
  readonly baseUrls: { test: string; live: string };
  /** Requests per second the provider allows by default (the token bucket's rate, all containers together). */
  readonly defaultRatePerSecond: number;
  provider(credentials: Credentials, runtime: ConnectorRuntime): ConnectorProvider;

  /**
   * Verifies the webhook's signature with the tenant's credentials and reads the transfer updates it
   * carries. Throws WebhookVerificationError for a bad, missing or stale signature (nothing changes).
   * PayPal verifies by asking PayPal, so this may call the provider (through `runtime`).
   */
  verifyWebhook(
    request: ProviderWebhookRequest,
    credentials: Credentials,
    runtime: ConnectorRuntime,
  ): Promise<ProviderWebhookEvent[]>;
}

/**
 * A connector without its webhook verification: what the executor needs (it calls the provider and
 * never reads a provider's webhook), so its bundle leaves the verification code out (issue 23).
 */
export type ProviderRail<Credentials extends Record<string, string> = Record<string, string>> = Omit<
  Connector<Credentials>,
  'verifyWebhook'
>;
