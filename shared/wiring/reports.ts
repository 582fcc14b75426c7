import type { S3Client } from '@aws-sdk/client-s3';
import { createDynamoAdapters } from '../adapters/dynamodb/index.js';
import { createS3ReportFiles } from '../adapters/s3-report-files.js';
import { binding, loadConfig } from '../config.js';
import { reportsUseCase } from '../use-cases/reports.js';

/**
 * The reports use case as its functions wire it (once, at cold start); a function that already has
 * the table's adapters or an S3 client passes them, so no second client is built.
 */
export function reportsFromEnvironment(
  shared: { adapters?: ReturnType<typeof createDynamoAdapters>; s3?: S3Client } = {},
) {
  const config = loadConfig();
  const adapters = shared.adapters ?? createDynamoAdapters(config);
  return reportsUseCase({
    ...adapters,
    marks: adapters.reconciliation,
    files: createS3ReportFiles({ bucket: binding(config, 'PAYOUTS_REPORTS_BUCKET'), client: shared.s3 }),
  });
}
