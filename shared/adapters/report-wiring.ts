import { loadConfig } from '../config.js';
import { reportsUseCase } from '../use-cases/reports.js';
import { createDynamoAdapters } from './dynamodb/index.js';
import { createS3ReportFiles } from './s3-report-files.js';

/** The reports use case as its functions wire it (once, at cold start). */
export function reportsFromEnvironment() {
  const config = loadConfig();
  const adapters = createDynamoAdapters(config);
  return reportsUseCase({
    ...adapters,
    files: createS3ReportFiles({ bucket: config.PAYOUTS_REPORTS_BUCKET }),
  });
}
