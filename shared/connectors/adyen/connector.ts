import type { Connector } from '../connector.js';
import { type AdyenCredentials, adyenRail } from './index.js';
import { verifyAdyenWebhook } from './webhooks.js';

/** The Adyen connector: the rail and its webhooks (`balancePlatform.transfer.updated`, HMAC-signed). */
export const adyenConnector: Connector<AdyenCredentials> = {
  ...adyenRail,
  async verifyWebhook(request, creds, runtime) {
    return verifyAdyenWebhook(request, creds, runtime.now?.() ?? Date.now());
  },
};
