import { ProviderUnavailableError } from '../../ports/payout-provider.js';
import type { PaypalClient } from './client.js';
import { type BatchAnswer, batchAnswer, type PayoutItem, payoutItem, readError } from './payouts.js';

/**
 * GET /v1/payments/payouts/{payout_batch_id}: the batch and its items, as PayPal sees them now.
 * Creates nothing. Undefined when PayPal knows no such batch (404); any other answer than the batch
 * throws (look again later, never guess).
 */
export async function fetchBatch(
  client: PaypalClient,
  batchId: string,
  key: string,
): Promise<BatchAnswer | undefined> {
  const response = await client.call({
    method: 'GET',
    path: `/v1/payments/payouts/${encodeURIComponent(batchId)}`,
    key,
  });
  if (response.status === 404) return undefined;
  const parsed = batchAnswer.safeParse(response.body);
  if (response.status === 200 && parsed.success) return parsed.data;
  const error = readError(response.body);
  throw new ProviderUnavailableError(
    response.status,
    undefined,
    `PayPal could not show payout batch ${batchId} for ${key} (${response.status} ${error.name ?? 'unreadable answer'})`,
  );
}

/**
 * GET /v1/payments/payouts-item/{payout_item_id}: one item with its `errors`. PayPal's webhooks about
 * failed items carry no error object ("do a GET request on the object"): this is how the reason is
 * learned. Undefined when PayPal does not know the item.
 */
export async function fetchItem(
  client: PaypalClient,
  itemId: string,
  key: string,
): Promise<PayoutItem | undefined> {
  const response = await client.call({
    method: 'GET',
    path: `/v1/payments/payouts-item/${encodeURIComponent(itemId)}`,
    key,
  });
  if (response.status === 404) return undefined;
  const parsed = payoutItem.safeParse(response.body);
  if (response.status === 200 && parsed.success) return parsed.data;
  throw new ProviderUnavailableError(
    response.status,
    undefined,
    `PayPal could not show payout item ${itemId} (${response.status})`,
  );
}
