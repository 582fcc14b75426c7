import * as z from '../../zod.js';
import type { ProviderRail } from '../connector.js';
import { CONNECTOR_PROFILES } from '../profiles.js';
import type { PaypalCredentials } from './client.js';
import { createPaypalProvider } from './provider.js';

export type { PaypalCredentials } from './client.js';

// Printable ASCII without spaces; a client id never holds ':' (it is the Basic auth separator).
const clientId = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'is required'),
    z.maxLength(256),
    z.regex(/^[\x21-\x39\x3B-\x7E]+$/, "may contain only printable characters, no spaces or ':'"),
  );
const clientSecret = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'is required'),
    z.maxLength(256),
    z.regex(/^[\x21-\x7E]+$/, 'may contain only printable characters, no spaces'),
  );
// PayPal's verify-webhook-signature request takes webhook ids of at most 50 letters and digits.
const webhookId = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'is required'),
    z.maxLength(50),
    z.regex(/^[A-Za-z0-9]+$/, 'must be the PayPal webhook id (letters and digits)'),
  );

/**
 * PayPal Payouts (v1): pays email addresses from the tenant's PayPal balance, one batch of one item
 * per payout. See ./README.md for what is sent, the idempotency anchor, the failure codes and the
 * webhook scheme.
 */
export const paypalRail: ProviderRail<PaypalCredentials> = {
  name: 'paypal',
  label: 'PayPal Payouts',
  destinationTypes: ['email'],
  credentials: z.strictObject({ client_id: clientId, client_secret: clientSecret, webhook_id: webhookId }),
  publicFields: ['client_id', 'webhook_id'],
  ...CONNECTOR_PROFILES.paypal,
  provider: createPaypalProvider,
};
