import { dayRange, type ProviderRecord, type ProviderRecordStatus } from '../../domain/reconciliation.js';
import { ProviderUnavailableError } from '../../ports/payout-provider.js';
import type { LookedUpTransfer, ProviderStatement } from '../../ports/reconciliation.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime } from '../connector.js';
import { providerCall } from '../http.js';
import { isoAmountFromAdyen } from './amounts.js';
import type { AdyenCredentials } from './index.js';

/**
 * The Adyen statement (reconciliation, D64): the balance account's transactions of a UTC day.
 *
 *   records(date)   GET /transactions?balanceAccountId=…&createdSince=<day>T00:00:00.000Z
 *                   &createdUntil=<day>T23:59:59.999Z&limit=100 ("on or before": the last
 *                   millisecond of the day), page after page by the `cursor` of `_links.next`.
 *   lookup(payout)  the connector's findTransfer reading: the balance account's transactions from the
 *                   payout's creation (less an hour) until now, at most 10 pages, those whose
 *                   `transfer.reference` is the payout id.
 *
 * A transaction is one booking on the balance account. The vendored Transfers API v4 document gives a
 * transaction only `status` (booked, pending), a signed `amount` and `transfer` { id, reference }: no
 * category, type or transfer status. So:
 *
 * | transaction                          | record |
 * |--------------------------------------|--------|
 * | outgoing (value < 0), booked         | paid |
 * | outgoing (value < 0), pending        | pending |
 * | incoming (value > 0) naming a transfer | returned: the money of that transfer came back |
 *
 * The record's `providerReference` is the transfer id (what the payout stores), `payoutId` the
 * transfer's `reference` (the payout id the connector sent), `amount` the absolute value in ISO 4217
 * minor units. A transfer booked out and back within one page is one `returned` record.
 */

/** Adyen's largest page (`limit`). */
const PAGE_SIZE = 100;
/** A lookup starts this long before the payout was created (clock skew), as findTransfer's does. */
const LOOKUP_MARGIN_MS = 60 * 60 * 1000;
/** Pages a lookup reads at most: a bound, not a scan of the account's history (findTransfer's). */
const MAX_LOOKUP_PAGES = 10;

const transaction = z.object({
  id: z.string().check(z.minLength(1)),
  status: z.string(),
  amount: z.object({ currency: z.string(), value: z.number().check(z.int()) }),
  creationDate: z.optional(z.string()),
  bookingDate: z.optional(z.string()),
  transfer: z.optional(z.object({ id: z.optional(z.string()), reference: z.optional(z.string()) })),
});
type Transaction = z.infer<typeof transaction>;

const transactionPage = z.object({
  data: z.optional(z.array(transaction)),
  _links: z.optional(z.object({ next: z.optional(z.object({ href: z.string() })) })),
});

/** What one transaction says about its transfer. */
export function statusOfTransaction(line: Pick<Transaction, 'status' | 'amount'>): ProviderRecordStatus {
  if (line.amount.value > 0) return 'returned';
  return line.status === 'booked' ? 'paid' : 'pending';
}

/**
 * The amount in the platform's terms. A value with no exact ISO 4217 amount is kept as Adyen wrote
 * it: it can equal no amount the connector sends, so the line is a difference, never a rounded match.
 */
function amountOf(line: Transaction): number {
  const magnitude = Math.abs(line.amount.value);
  return isoAmountFromAdyen(magnitude, line.amount.currency) ?? magnitude;
}

function recordOf(line: Transaction): ProviderRecord {
  return {
    providerReference: line.transfer?.id ?? line.id,
    payoutId: line.transfer?.reference ?? null,
    amount: amountOf(line),
    currency: line.amount.currency,
    status: statusOfTransaction(line),
    createdAt: line.creationDate ?? line.bookingDate ?? '',
  };
}

/** One record per transfer of a page: a transfer whose money left and came back is `returned`. */
function recordsOf(lines: Transaction[]): ProviderRecord[] {
  const records = new Map<string, ProviderRecord>();
  for (const line of lines) {
    const record = recordOf(line);
    const earlier = records.get(record.providerReference);
    if (!earlier) records.set(record.providerReference, record);
    else if (record.status === 'returned') earlier.status = 'returned';
    else if (earlier.status === 'returned')
      records.set(record.providerReference, { ...record, status: 'returned' });
  }
  return [...records.values()];
}

export function createAdyenStatement(creds: AdyenCredentials, runtime: ConnectorRuntime): ProviderStatement {
  const now = () => runtime.now?.() ?? Date.now();
  const headers = { 'content-type': 'application/json', 'x-api-key': creds.api_key };

  function firstPath(since: string, until: string): string {
    const query = new URLSearchParams({
      balanceAccountId: creds.balance_account_id,
      createdSince: since,
      createdUntil: until,
      limit: String(PAGE_SIZE),
    });
    return `/transactions?${query}`;
  }

  /** The transactions of a window, page by page (the next page's query is taken from Adyen's link). */
  async function* pages(since: string, until: string, key: string, maxPages = Number.POSITIVE_INFINITY) {
    let path: string | undefined = firstPath(since, until);
    for (let page = 0; path && page < maxPages; page++) {
      const response = await providerCall(runtime, { method: 'GET', path, headers, key });
      if (response.status !== 200)
        throw new ProviderUnavailableError(
          response.status,
          undefined,
          `GET /transactions answered ${response.status}`,
        );
      const parsed = transactionPage.safeParse(response.body);
      if (!parsed.success)
        throw new ProviderUnavailableError(
          response.status,
          undefined,
          'GET /transactions: unreadable answer',
        );
      yield parsed.data.data ?? [];
      const next = parsed.data._links?.next?.href;
      // Only the query of Adyen's link is used: requests go to the deployment's host, never to one named in an answer.
      path = next ? `/transactions${new URL(next, 'https://adyen.invalid').search}` : undefined;
    }
  }

  return {
    async *records(date) {
      const { from, until } = dayRange(date);
      const last = new Date(Date.parse(until) - 1).toISOString();
      for await (const lines of pages(from, last, `statement:${date}`)) {
        const records = recordsOf(lines);
        if (records.length > 0) yield records;
      }
    },

    async lookup(payout): Promise<LookedUpTransfer | undefined> {
      const created = Date.parse(payout.createdAt);
      const since = new Date((Number.isNaN(created) ? now() : created) - LOOKUP_MARGIN_MS).toISOString();
      const until = new Date(now() + 60_000).toISOString();
      let debit: Transaction | undefined;
      let credit: Transaction | undefined;
      for await (const lines of pages(since, until, payout.id, MAX_LOOKUP_PAGES))
        for (const line of lines) {
          if (line.transfer?.reference !== payout.id) continue;
          if (line.amount.value < 0) debit ??= line;
          else if (line.amount.value > 0) credit ??= line;
        }
      const found = debit ?? credit;
      if (!found) return undefined;
      const record = recordOf(found);
      return {
        providerReference: record.providerReference,
        status: credit ? 'returned' : record.status,
        amount: record.amount,
        currency: record.currency,
        createdAt: record.createdAt || null,
      };
    },
  };
}
