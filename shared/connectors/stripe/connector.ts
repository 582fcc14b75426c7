import type { Connector } from '../connector.js';
import { type StripeCredentials, stripeRail } from './index.js';
import { readStripeWebhook } from './webhooks.js';

/** The Stripe connector: the rail and its webhooks (`transfer.*`, signed with the endpoint secret). */
export const stripeConnector: Connector<StripeCredentials> = {
  ...stripeRail,
  async verifyWebhook(request, credentials, runtime) {
    return readStripeWebhook(request, credentials.webhook_secret, (runtime.now ?? Date.now)());
  },
};
