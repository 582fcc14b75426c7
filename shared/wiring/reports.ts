import { builtOnFirstCall } from '../adapters/built-on-first-call.js';
import { type Table, tableOf } from '../adapters/dynamodb/client.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { createDynamoReconciliationStore } from '../adapters/dynamodb/reconciliation-store.js';
import { createDynamoReportStore } from '../adapters/dynamodb/report-store.js';
import { createDynamoTenantRepository } from '../adapters/dynamodb/tenant-repository.js';
import { binding, type Config, loadConfig } from '../config.js';
import type { ReportFiles } from '../ports/report-store.js';
import { reportsUseCase } from '../use-cases/reports.js';

/** The stores reports use: the report functions bundle only these. */
export type ReportStores = Pick<DynamoAdapters, 'reports' | 'payouts' | 'tenants' | 'reconciliation'>;

/**
 * The reports use case as its functions wire it (once, at cold start); a function that already has
 * the table's adapters passes them, so no second client is built. The report worker, which uploads on
 * every message, passes report files built at cold start (and the configuration it read for them).
 */
export function reportsFromEnvironment(
  shared: { adapters?: ReportStores; files?: ReportFiles; config?: Config } = {},
) {
  const config = shared.config ?? loadConfig();
  const adapters = shared.adapters ?? reportStores(tableOf(config));
  return reportsUseCase({
    reports: adapters.reports,
    payouts: adapters.payouts,
    tenants: adapters.tenants,
    marks: adapters.reconciliation,
    files: shared.files ?? reportFilesOnFirstCall(binding(config, 'PAYOUTS_REPORTS_BUCKET')),
  });
}

/** The stores reports use, on one table client. */
export function reportStores(table: Table): ReportStores {
  return {
    reports: createDynamoReportStore(table),
    payouts: createDynamoPayoutRepository(table),
    tenants: createDynamoTenantRepository(table),
    reconciliation: createDynamoReconciliationStore(table),
  };
}

/**
 * The report files bucket, its S3 client, `lib-storage` and presigner loaded on first use (issue 23):
 * creating, listing and scheduling reports never touch the bucket, and loading them cost those
 * functions ~100–150 ms of every cold start.
 */
export function reportFilesOnFirstCall(bucket: string) {
  return builtOnFirstCall({ upload: true, put: true, downloadUrl: true }, () =>
    import('../adapters/s3-report-files.js').then((files) => files.createS3ReportFiles({ bucket })),
  );
}
