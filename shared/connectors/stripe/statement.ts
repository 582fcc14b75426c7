import { dayRange, type ProviderRecord, type ProviderRecordStatus } from '../../domain/reconciliation.js';
import { ProviderUnavailableError } from '../../ports/payout-provider.js';
import type { LookedUpTransfer, ProviderStatement } from '../../ports/reconciliation.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime } from '../connector.js';
import { providerCall } from '../http.js';
import { isoAmountFromStripe } from './amounts.js';
import { payoutIdOf, type StripeTransfer, stripeTransfer, stripeTransferList } from './transfer.js';

/**
 * The Stripe statement (reconciliation, D64): the platform balance's own ledger of a UTC day.
 *
 *   records(date)   GET /v1/balance_transactions?type=transfer, then ?type=transfer_refund, of the day
 *                   (`created[gte]`/`created[lt]`), 100 a page, paged with `starting_after`, each with
 *                   its source expanded (the transfer; for a refund the reversal and its transfer).
 *   lookup(payout)  GET /v1/transfers?transfer_group=<payout id> (the connector's own lookup key).
 *
 * A record is the transfer as Stripe holds it now: its amount (in ISO minor units), its upper-case
 * currency, `returned` once reversed in full (as `outcomeOfTransfer` reads it: a partial reversal
 * leaves it paid), else `paid` (a Connect transfer has no pending state). A reversal booked on the
 * day is a record of its original transfer, so a transfer made on an earlier day and reversed on
 * this one is compared too.
 */

/** Stripe's largest page (`limit`). */
const PAGE_SIZE = 100;

/** A transfer as read in a statement: the connector's Transfer fields and when it was made. */
const statementTransfer = z.extend(stripeTransfer, { created: z.number().check(z.int()) });
type StatementTransfer = z.infer<typeof statementTransfer>;

const reversal = z.object({
  id: z.string(),
  object: z.literal('transfer_reversal'),
  transfer: z.unknown(),
});

const balanceTransaction = z.object({
  id: z.string().check(z.minLength(1)),
  object: z.literal('balance_transaction'),
  created: z.number().check(z.int()),
  type: z.string(),
  source: z.unknown(),
});

const balanceTransactionList = z.object({
  object: z.literal('list'),
  data: z.array(balanceTransaction),
  has_more: z.boolean(),
});

function unreadable(status: number, what: string): ProviderUnavailableError {
  return new ProviderUnavailableError(status, undefined, `Stripe answered ${status} without ${what}`);
}

/** What the transfer's state means on a statement (the same reading as `outcomeOfTransfer`). */
export function statusOfTransfer(transfer: StripeTransfer): ProviderRecordStatus {
  return transfer.reversed || (transfer.amount > 0 && transfer.amount_reversed >= transfer.amount)
    ? 'returned'
    : 'paid';
}

/**
 * The transfer's amount and currency in the platform's terms. A Stripe amount with no exact ISO 4217
 * amount (ISK with "cents", a code that is no payable currency) is kept as Stripe wrote it: it can
 * equal no amount the connector sends, so the line shows as a difference rather than a rounded match.
 */
function amountOf(transfer: StripeTransfer): { amount: number; currency: string } {
  return (
    isoAmountFromStripe(transfer.amount, transfer.currency) ?? {
      amount: transfer.amount,
      currency: transfer.currency.toUpperCase(),
    }
  );
}

function recordOf(transfer: StatementTransfer, created: number): ProviderRecord {
  const { amount, currency } = amountOf(transfer);
  return {
    providerReference: transfer.id,
    payoutId: payoutIdOf(transfer),
    amount,
    currency,
    status: statusOfTransfer(transfer),
    createdAt: new Date(created * 1000).toISOString(),
  };
}

export function createStripeStatement(
  runtime: ConnectorRuntime,
  headers: Record<string, string>,
): ProviderStatement {
  function transferOf(value: unknown, what: string): StatementTransfer {
    const parsed = statementTransfer.safeParse(value);
    if (!parsed.success) throw unreadable(200, `an expanded transfer in ${what}`);
    return parsed.data;
  }

  /** One type of balance transaction of the day, page by page (newest first, as Stripe lists). */
  async function* lines(type: 'transfer' | 'transfer_refund', date: string) {
    const { from, until } = dayRange(date);
    let startingAfter: string | undefined;
    do {
      const query = new URLSearchParams({
        type,
        'created[gte]': String(Date.parse(from) / 1000),
        'created[lt]': String(Date.parse(until) / 1000),
        limit: String(PAGE_SIZE),
      });
      query.append('expand[]', 'data.source');
      if (type === 'transfer_refund') query.append('expand[]', 'data.source.transfer');
      if (startingAfter) query.set('starting_after', startingAfter);
      const response = await providerCall(runtime, {
        method: 'GET',
        path: `/v1/balance_transactions?${query}`,
        headers,
        key: `statement:${date}`,
      });
      const page = balanceTransactionList.safeParse(response.body);
      if (response.status !== 200 || !page.success)
        throw unreadable(response.status, 'a readable balance transaction list');
      const records: ProviderRecord[] = page.data.data.map((line) => {
        if (type === 'transfer') return recordOf(transferOf(line.source, line.id), line.created);
        const made = reversal.safeParse(line.source);
        if (!made.success) throw unreadable(response.status, `an expanded transfer reversal in ${line.id}`);
        return recordOf(transferOf(made.data.transfer, line.id), line.created);
      });
      if (records.length > 0) yield records;
      // Stripe may answer fewer than `limit` with more to come: only `has_more` ends the listing.
      startingAfter = page.data.has_more ? page.data.data.at(-1)?.id : undefined;
      if (page.data.has_more && !startingAfter)
        throw unreadable(response.status, 'a cursor for the next page');
    } while (startingAfter);
  }

  return {
    async *records(date) {
      yield* lines('transfer', date);
      yield* lines('transfer_refund', date);
    },

    async lookup(payout): Promise<LookedUpTransfer | undefined> {
      const query = new URLSearchParams({ transfer_group: payout.id, limit: '10' });
      const response = await providerCall(runtime, {
        method: 'GET',
        path: `/v1/transfers?${query}`,
        headers,
        key: payout.id,
      });
      const list = stripeTransferList.safeParse(response.body);
      if (response.status !== 200 || !list.success)
        throw unreadable(response.status, 'a readable transfer list');
      const transfers = list.data.data.map((item) => transferOf(item, 'the transfer list'));
      // The connector's findTransfer's choice: ours carries metadata[payout_id], else any of the group.
      const transfer =
        transfers.find((candidate) => candidate.metadata?.payout_id === payout.id) ?? transfers.at(-1);
      if (!transfer) return undefined;
      const { amount, currency } = amountOf(transfer);
      return {
        providerReference: transfer.id,
        status: statusOfTransfer(transfer),
        amount,
        currency,
        createdAt: new Date(transfer.created * 1000).toISOString(),
      };
    },
  };
}
