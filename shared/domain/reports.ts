import { type ActionStamp, type Actor, actorLabel } from './audit.js';
import { formatMinorUnits } from './money.js';
import type { Payout, PayoutPurpose, PayoutSource, PayoutStatus } from './payout.js';
import { customerReferenceOf } from './payout-search.js';

/** What a report covers: payouts created in `[createdGte, createdLt)`, optionally narrowed. */
export interface ReportFilters {
  createdGte: string;
  createdLt: string;
  status?: PayoutStatus;
  source?: PayoutSource;
  purpose?: PayoutPurpose;
  currency?: string;
}

export type ReportStatus = 'pending' | 'running' | 'ready' | 'failed';

/** Totals of one (currency, status): what finance ticks against the bank statement. */
export interface ReportTotal {
  currency: string;
  status: PayoutStatus;
  count: number;
  /**
   * Exact sum in minor units as decimal digits: a sum of many amounts can pass 2^53, where a
   * JavaScript number would silently round (stored before 2026-12 as a number).
   */
  amount: string;
}

/** A payout report: an asynchronous export job and, once ready, its CSV file in S3. */
export interface Report {
  id: string;
  tenantId: string;
  status: ReportStatus;
  filters: ReportFilters;
  requestedBy: Actor;
  /** `scheduled` for the daily export. */
  trigger: 'request' | 'scheduled';
  rows: number | null;
  totals: ReportTotal[] | null;
  /** S3 keys of the CSV and its summary sidecar (under the tenant's prefix). */
  fileKey: string;
  summaryKey: string;
  failure: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  lastAction?: ActionStamp;
  version: number;
}

export const REPORT_COLUMNS = [
  'payout_id',
  'reference',
  'created_at',
  'transaction_date',
  'status',
  'amount',
  'currency',
  'source',
  'purpose',
  'reason_code',
  'rationale',
  'documentation',
  'requested_by',
  'approved_by',
  'rejected_or_canceled_by',
  'provider_reference',
  'failure_code',
  'destination',
  // Added at the end (2026-12): readers that take columns by position keep working.
  'customer_reference',
  'attachment',
  // The payout's latest reconciliation against its provider (issue 20): outcome and when.
  'reconciliation_status',
  'reconciled_at',
] as const;

/**
 * One CSV field, RFC 4180: quoted when it holds a comma, quote, CR or LF (quotes doubled). A field
 * a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`
 * (OWASP's advice), so opening the file never executes anything.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The most a CSV answered in one API response may weigh: a Lambda function answers at most 6 MB, and
 * the body travels JSON-escaped inside that. Bigger files are the report and items files on S3.
 */
export const CSV_DOWNLOAD_MAX_BYTES = 5 * 1024 * 1024;

export const csvLine = (fields: readonly (string | number | null | undefined)[]) =>
  `${fields.map(csvField).join(',')}\r\n`;

function maskedDestination(payout: Payout): string {
  const destination = payout.destination;
  if (destination.type === 'email') return `email ${destination.email}`;
  if (destination.type === 'stripe_account') return `stripe account ${destination.account}`;
  return `bank account ${destination.account_holder_name} IBAN ••••${destination.iban.slice(-4)}`;
}

/** The report row of one payout (amount as a decimal string with the currency's exponent). */
export function reportRow(
  payout: Payout,
  apiKeyNames: ReadonlyMap<string, string> = new Map(),
  /** The payout's reconciliation (`reconciliationOf`, D74): `resolved` once a person resolved it. */
  reconciliation?: { status: string; at: string },
): string {
  const history = payout.history ?? [];
  const requestedBy = payout.manual?.requestedBy ?? history[0]?.actor;
  const ended = history.findLast((entry) => entry.status === 'canceled');
  const approval = payout.approval;
  const transactionDate = payout.paidAt ?? (payout.status === 'failed' ? payout.updatedAt : null);
  return csvLine([
    payout.id,
    payout.reference,
    payout.createdAt,
    transactionDate,
    payout.status,
    formatMinorUnits(payout.amount, payout.currency),
    payout.currency,
    payout.source,
    payout.purpose,
    payout.manual?.reasonCode,
    payout.manual?.rationale,
    payout.manual?.ticketUrl,
    requestedBy ? actorLabel(requestedBy, apiKeyNames) : '',
    approval?.approvals.map((entry) => `${entry.name} at ${entry.at}`).join('; '),
    approval?.rejectedBy
      ? `rejected by ${approval.rejectedBy.name} at ${approval.rejectedBy.at}`
      : ended
        ? `canceled by ${actorLabel(ended.actor, apiKeyNames)} at ${ended.at}`
        : '',
    payout.providerReference,
    payout.failureCode,
    maskedDestination(payout),
    customerReferenceOf(payout),
    payout.manual?.attachment?.filename,
    reconciliation?.status,
    reconciliation?.at,
  ]);
}

/** Accumulates the totals per (currency, status) while rows stream by. */
export function totalsCollector() {
  const totals = new Map<string, { currency: string; status: PayoutStatus; count: number; amount: bigint }>();
  return {
    add(payout: Payout) {
      const key = `${payout.currency}#${payout.status}`;
      const total = totals.get(key) ?? {
        currency: payout.currency,
        status: payout.status,
        count: 0,
        amount: 0n,
      };
      total.count += 1;
      total.amount += BigInt(payout.amount);
      totals.set(key, total);
    },
    result: (): ReportTotal[] =>
      [...totals.values()]
        .sort((a, b) => a.currency.localeCompare(b.currency) || a.status.localeCompare(b.status))
        .map((total) => ({ ...total, amount: total.amount.toString() })),
  };
}

/** The summary sidecar: totals per currency and status, as CSV. */
export function summaryCsv(totals: readonly ReportTotal[]): string {
  return (
    csvLine(['currency', 'status', 'count', 'amount']) +
    totals
      .map((total) =>
        csvLine([
          total.currency,
          total.status,
          total.count,
          formatMinorUnits(BigInt(total.amount), total.currency),
        ]),
      )
      .join('')
  );
}
