import type { S3Client } from '@aws-sdk/client-s3';
import { type Table, tableOf } from '../adapters/dynamodb/client.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { createDynamoReconciliationStore } from '../adapters/dynamodb/reconciliation-store.js';
import { createDynamoReportStore } from '../adapters/dynamodb/report-store.js';
import { createDynamoTenantRepository } from '../adapters/dynamodb/tenant-repository.js';
import { createS3ReportFiles } from '../adapters/s3-report-files.js';
import { binding, loadConfig } from '../config.js';
import { reportsUseCase } from '../use-cases/reports.js';

/** The stores reports use: the report functions bundle only these. */
export type ReportStores = Pick<DynamoAdapters, 'reports' | 'payouts' | 'tenants' | 'reconciliation'>;

/**
 * The reports use case as its functions wire it (once, at cold start); a function that already has
 * the table's adapters or an S3 client passes them, so no second client is built.
 */
export function reportsFromEnvironment(shared: { adapters?: ReportStores; s3?: S3Client } = {}) {
  const config = loadConfig();
  const adapters = shared.adapters ?? reportStores(tableOf(config));
  return reportsUseCase({
    reports: adapters.reports,
    payouts: adapters.payouts,
    tenants: adapters.tenants,
    marks: adapters.reconciliation,
    files: createS3ReportFiles({ bucket: binding(config, 'PAYOUTS_REPORTS_BUCKET'), client: shared.s3 }),
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
