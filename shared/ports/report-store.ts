import type { Report } from '../domain/reports.js';
import type { Page } from './payout-repository.js';

/** Report jobs. Every change is a conditional write on the version read. */
export interface ReportStore {
  create(report: Report): Promise<void>;
  get(tenantId: string, reportId: string): Promise<Report | undefined>;
  list(tenantId: string, query: { limit: number; startingAfter?: string }): Promise<Page<Report>>;
  /** @throws ConcurrentModificationError when the stored report is not at `current.version` */
  save(input: { current: Report; next: Report }): Promise<void>;
}

/** Where report files go (a private S3 bucket): streamed in, fetched through short-lived URLs. */
export interface ReportFiles {
  /** Streams `body` to `key` (multipart for large files: memory stays flat). */
  upload(key: string, body: AsyncIterable<string>, contentType: string): Promise<void>;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** A presigned GET valid a few minutes. */
  downloadUrl(key: string, filename: string): Promise<string>;
}
