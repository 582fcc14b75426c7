import { type Caller, SYSTEM, stampFor } from '../domain/audit.js';
import { ConcurrentModificationError, NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Payout } from '../domain/payout.js';
import { type DayRun, reconciliationOf } from '../domain/reconciliation.js';
import {
  csvLine,
  REPORT_COLUMNS,
  type Report,
  type ReportFilters,
  reportRow,
  summaryCsv,
  totalsCollector,
} from '../domain/reports.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { dayKey, type ReconciliationStore } from '../ports/reconciliation.js';
import type { ReportFiles, ReportStore } from '../ports/report-store.js';
import type { TenantRepository } from '../ports/tenant-repository.js';
import { toReportResource } from '../schemas/report-resource.js';

/**
 * The download's name, both days included: `[2026-11-02, 2026-12-03)` is
 * `payouts-2026-11-02-to-2026-12-02-rep_….csv`. The last day is the day of the range's last instant
 * (the end is exclusive), so a range ending at midnight never names the day after it; a one-day
 * report names its day twice, so every name reads the same way.
 */
export function reportFileName(report: Pick<Report, 'id' | 'filters'>, file: 'payouts' | 'totals'): string {
  const firstDay = report.filters.createdGte.slice(0, 10);
  const lastDay = new Date(Date.parse(report.filters.createdLt) - 1).toISOString().slice(0, 10);
  return `payouts-${firstDay}-to-${lastDay}-${report.id}${file === 'totals' ? '-totals' : ''}.csv`;
}

/**
 * Payout reports: a request writes a `pending` report (its stream record starts the worker through
 * the outbox); the worker streams the CSV to S3 and marks the report `ready`; downloads are
 * presigned GETs valid for minutes.
 */
export function reportsUseCase(deps: {
  reports: ReportStore;
  payouts: PayoutRepository;
  tenants: Pick<TenantRepository, 'listApiKeys'>;
  files: ReportFiles;
  /** Each payout's reconciliation (the report's reconciliation columns): marks and day runs (D74). */
  marks?: Pick<ReconciliationStore, 'marksOf' | 'dayRunsOf'>;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  async function existing(tenantId: string, reportId: string): Promise<Report> {
    const report = await deps.reports.get(tenantId, reportId);
    if (!report) throw new NotFoundError('report', reportId);
    return report;
  }

  async function save(current: Report, change: Partial<Report>): Promise<Report> {
    const next = {
      ...current,
      ...change,
      updatedAt: new Date(now()).toISOString(),
      version: current.version + 1,
    };
    await deps.reports.save({ current, next });
    return next;
  }

  function newReport(
    tenantId: string,
    filters: ReportFilters,
    trigger: Report['trigger'],
    caller?: Caller,
  ): Report {
    const time = now();
    const id = newId('rep', time);
    const at = new Date(time).toISOString();
    const prefix = `tenants/${tenantId}/reports/${id}`;
    return {
      id,
      tenantId,
      status: 'pending',
      filters,
      requestedBy: caller?.actor ?? SYSTEM,
      trigger,
      rows: null,
      totals: null,
      fileKey: `${prefix}.csv`,
      summaryKey: `${prefix}.summary.csv`,
      failure: null,
      createdAt: at,
      updatedAt: at,
      completedAt: null,
      ...(caller ? { lastAction: stampFor(caller, 'report.request', time) } : {}),
      version: 1,
    };
  }

  return {
    async request(caller: Caller, filters: ReportFilters) {
      const report = newReport(caller.tenantId, filters, 'request', caller);
      await deps.reports.create(report);
      return toReportResource(report);
    },

    /** The daily export of the previous UTC day, one per tenant and day (idempotent by its filters). */
    async requestDaily(tenantId: string, day: string) {
      const createdGte = `${day}T00:00:00.000Z`;
      const createdLt = new Date(Date.parse(createdGte) + 86_400_000).toISOString();
      const recent = await deps.reports.list(tenantId, { limit: 20 });
      const already = recent.items.find(
        (report) => report.trigger === 'scheduled' && report.filters.createdGte === createdGte,
      );
      if (already) return toReportResource(already);
      const report = newReport(tenantId, { createdGte, createdLt }, 'scheduled');
      await deps.reports.create(report);
      return toReportResource(report);
    },

    async get(tenantId: string, reportId: string) {
      const report = await existing(tenantId, reportId);
      if (report.status !== 'ready') return toReportResource(report);
      return {
        ...toReportResource(
          report,
          await deps.files.downloadUrl(report.fileKey, reportFileName(report, 'payouts')),
        ),
        summary_url: await deps.files.downloadUrl(report.summaryKey, reportFileName(report, 'totals')),
      };
    },

    async list(tenantId: string, query: { limit: number; starting_after?: string }) {
      const page = await deps.reports.list(tenantId, {
        limit: query.limit,
        startingAfter: query.starting_after,
      });
      const data = page.items.map((report) => toReportResource(report));
      return {
        object: 'list' as const,
        data,
        has_more: page.hasMore,
        next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
      };
    },

    /**
     * The worker: streams every matching payout as a CSV row into a multipart upload, then the
     * summary sidecar, then marks the report ready. Safe to run again (a redelivered message, a crash
     * mid-upload): the files are rewritten whole and a ready report is left alone.
     */
    async generate(tenantId: string, reportId: string) {
      let report = await existing(tenantId, reportId);
      if (report.status === 'ready' || report.status === 'failed') return toReportResource(report);
      if (report.status === 'pending') {
        try {
          report = await save(report, { status: 'running' });
        } catch (error) {
          if (!(error instanceof ConcurrentModificationError)) throw error;
          report = await existing(tenantId, reportId);
        }
      }
      const apiKeyNames = new Map(
        (await deps.tenants.listApiKeys(tenantId)).map((key) => [key.id, key.name]),
      );
      const totals = totalsCollector();
      let rows = 0;
      const filters = report.filters;
      const payouts = deps.payouts;
      async function* csv() {
        yield `\uFEFF${csvLine(REPORT_COLUMNS)}`;
        // Rows go out in groups: one BatchGet of the group's reconciliation marks, and of the latest
        // runs of connector-days not seen before (a report spans few days; D74).
        let group: Payout[] = [];
        const dayRuns = new Map<string, DayRun | undefined>();
        const rowsOf = async (batch: Payout[]) => {
          const marks = deps.marks;
          if (!marks) return batch.map((payout) => reportRow(payout, apiKeyNames)).join('');
          const dayOf = (payout: Payout) => ({
            connector: payout.connector ?? 'sandbox',
            date: payout.createdAt.slice(0, 10),
          });
          const unseen = new Map<string, { connector: string; date: string }>();
          for (const payout of batch) {
            const day = dayOf(payout);
            const key = dayKey(day.connector, day.date);
            if (!dayRuns.has(key)) unseen.set(key, day);
          }
          const [found, marked] = await Promise.all([
            unseen.size > 0 ? marks.dayRunsOf(tenantId, [...unseen.values()]) : new Map<string, DayRun>(),
            marks.marksOf(
              tenantId,
              batch.map((payout) => payout.id),
            ),
          ]);
          for (const key of unseen.keys()) dayRuns.set(key, found.get(key));
          return batch
            .map((payout) => {
              const day = dayOf(payout);
              const reconciliation = reconciliationOf(
                payout,
                marked.get(payout.id),
                dayRuns.get(dayKey(day.connector, day.date)),
              );
              return reportRow(payout, apiKeyNames, reconciliation);
            })
            .join('');
        };
        for await (const payout of payouts.stream(tenantId, filters)) {
          rows += 1;
          totals.add(payout);
          group.push(payout);
          if (group.length === 500) {
            yield await rowsOf(group);
            group = [];
          }
        }
        if (group.length > 0) yield await rowsOf(group);
      }
      await deps.files.upload(report.fileKey, csv(), 'text/csv; charset=utf-8');
      const result = totals.result();
      await deps.files.put(report.summaryKey, `\uFEFF${summaryCsv(result)}`, 'text/csv; charset=utf-8');
      const ready = await save(report, {
        status: 'ready',
        rows,
        totals: result,
        completedAt: new Date(now()).toISOString(),
      });
      return toReportResource(ready);
    },

    /** Marks a report failed (its worker gave up): the requester sees why instead of waiting. */
    async fail(tenantId: string, reportId: string, reason: string) {
      const report = await existing(tenantId, reportId);
      if (report.status === 'ready' || report.status === 'failed') return;
      await save(report, { status: 'failed', failure: reason });
    },
  };
}
