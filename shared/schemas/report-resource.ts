import { safeTotal } from '../domain/money.js';
import type { Report } from '../domain/reports.js';

/** A report as the API and the portal answer it. */
export function toReportResource(report: Report, downloadUrl: string | null = null) {
  return {
    id: report.id,
    object: 'report' as const,
    status: report.status,
    trigger: report.trigger,
    filters: {
      created_gte: report.filters.createdGte,
      created_lt: report.filters.createdLt,
      status: report.filters.status ?? null,
      source: report.filters.source ?? null,
      purpose: report.filters.purpose ?? null,
      currency: report.filters.currency ?? null,
    },
    requested_by: report.requestedBy,
    rows: report.rows,
    totals:
      report.totals?.map((total) => ({
        currency: total.currency,
        status: total.status,
        count: total.count,
        amount: safeTotal(BigInt(total.amount)),
        amount_decimal: String(total.amount),
      })) ?? null,
    failure: report.failure,
    download_url: downloadUrl,
    summary_url: null as string | null,
    created_at: report.createdAt,
    completed_at: report.completedAt,
  };
}
