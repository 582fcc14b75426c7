import type { Connector } from '../connector.js';
import { type PaypalCredentials, paypalRail } from './index.js';
import { verifyPaypalWebhook } from './webhooks.js';

/** The PayPal connector: the rail and its webhooks (`PAYMENT.PAYOUTS-ITEM.*`, verified by PayPal). */
export const paypalConnector: Connector<PaypalCredentials> = {
  ...paypalRail,
  verifyWebhook: verifyPaypalWebhook,
};
