import { createHash } from 'node:crypto';
import { SYSTEM } from '../domain/audit.js';
import { payoutIdFor } from '../domain/ids.js';
import { csvLine } from '../domain/reports.js';
import type { DroppedFile, InboundFiles } from '../ports/inbound-files.js';
import type { InboundOrigin, InboundRejection, InboundStore } from '../ports/inbound-store.js';
import type { PayoutRepository } from '../ports/payout-repository.js';
import { checkBatchCsv, type FileProblem } from '../schemas/batch-csv.js';
import { INBOUND_FILES } from '../topology-constants.js';
import { type DeadLetters, deadLetterBody, originNotRouted, rejectionId } from './inbound-payouts.js';
import type { PayoutBatches } from './payout-batches.js';

export type FileOutcome = 'accepted' | 'replayed' | 'rejected' | 'unrouted' | 'ignored';

/** The result file's columns: one row per data row of the upload (line 1 is its header). */
export const FILE_RESULT_COLUMNS = [
  'line',
  'reference',
  'outcome',
  'batch_id',
  'payout_id',
  'message',
] as const;

/** `acme/2026-12.csv` → `acme/2026-12.result.csv`: beside the upload, never read as a request. */
export function resultKeyOf(key: string): string {
  return `${key.slice(0, -INBOUND_FILES.suffix.length)}${INBOUND_FILES.resultSuffix}`;
}

/** A payroll file's key (any case: `.csv`, `.CSV`), and not one of the platform's own results. */
export function isPayrollFile(key: string): boolean {
  const lower = key.toLowerCase();
  return lower.endsWith(INBOUND_FILES.suffix) && !lower.endsWith(INBOUND_FILES.resultSuffix);
}

/** The file's text, or null when it is not UTF-8 (a spreadsheet's legacy export would mangle names). */
function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The prefix that routes a file to its tenant: its first folder (`acme/…` → `acme`). */
export function prefixOf(key: string): string {
  const slash = key.indexOf('/');
  return slash > 0 ? key.slice(0, slash) : '';
}

/**
 * Payroll files in S3 (issue 9): a CSV under a tenant's prefix of the inbound bucket, with the
 * columns of the portal's bulk upload, becomes one payout batch, checked exactly as the portal and
 * `POST /v1/payout-batches` check it. The tenant is the prefix's route, never the file.
 *
 * Idempotent twice over: the batch's Idempotency-Key is the file's SHA-256, so the same file
 * dropped again (under any name, or redelivered by S3 or SQS) replays the first batch; and each row's
 * reference is unique per tenant, so an edited file that repeats rows counts them as duplicates.
 * The result file is written last, and again on every retry: a crash before it is harmless.
 */
export function payoutFilesUseCase(deps: {
  inbound: InboundStore;
  batches: Pick<PayoutBatches, 'create'>;
  /** Which rows' references are already another payout's (the batch will count them as duplicates). */
  payouts: Pick<PayoutRepository, 'batchesOf'>;
  files: InboundFiles;
  deadLetters: DeadLetters;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  return async function acceptFile(file: DroppedFile): Promise<FileOutcome> {
    if (!isPayrollFile(file.key)) return 'ignored';
    const origin: InboundOrigin = { kind: 's3_prefix', value: prefixOf(file.key) };
    const resultKey = resultKeyOf(file.key);
    const tenantId = origin.value ? await deps.inbound.tenantOf(origin) : undefined;
    const refuse = async (reason: InboundRejection['reason'], tenant: string | null, rows: string) => {
      await deps.deadLetters.send(
        deadLetterBody({ reason, tenantId: tenant, channel: 's3', origin, request: file }),
      );
      await deps.files.writeResult(resultKey, resultHeader() + rows);
    };

    if (!tenantId) {
      const reason = originNotRouted(origin);
      await refuse(reason, null, csvLine([null, null, 'rejected', null, null, reason.message]));
      return 'unrouted';
    }
    if (file.size > INBOUND_FILES.maxBytes) {
      const reason = {
        code: 'payload_too_large',
        message: `The file has ${file.size} bytes; files up to ${INBOUND_FILES.maxBytes} bytes (10,000 rows) are accepted. Split it.`,
        details: [{ param: 'file', message: 'is too large' }],
      };
      await reject(tenantId, file, `size:${file.size}:${file.etag}`, reason);
      await refuse(reason, tenantId, csvLine([null, null, 'rejected', null, null, reason.message]));
      return 'rejected';
    }
    const bytes = await deps.files.read(file);
    if (bytes === null) return 'ignored'; // replaced or deleted since: its own notification follows
    // The key is the file's bytes: two files that differ anywhere are two requests.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const text = utf8(bytes);

    const { items, problems, references, lines } =
      text === null
        ? {
            items: [],
            references: [],
            lines: [],
            problems: [
              {
                param: 'file',
                message: 'is not UTF-8 text: export it as "CSV UTF-8" (names would arrive mangled)',
                line: null,
                column: null,
              },
            ],
          }
        : checkBatchCsv(text);
    if (problems.length > 0) {
      const reason = {
        code: 'validation_failed',
        message: `The file has ${problems.length} problem(s); nothing was created. The result file lists them by line.`,
        details: problems.map(({ param, message }) => ({ param, message })),
      };
      await reject(tenantId, file, sha256, reason);
      await refuse(reason, tenantId, problemRows(problems, references, lines));
      return 'rejected';
    }

    const { response, replayed } = await deps.batches.create({
      caller: { tenantId, actor: SYSTEM, sourceIp: null, requestId: file.key },
      idempotencyKey: `file:${sha256}`,
      rawBody: { file_sha256: sha256 },
      items,
      policySource: 'event',
    });
    const batchId = (JSON.parse(response.body) as { id: string }).id;
    const payoutIds = items.map((item) => payoutIdFor(tenantId, item.reference));
    // A reference another payout already has is a duplicate: the batch counts it and pays nothing.
    const existing = await deps.payouts.batchesOf(tenantId, payoutIds);
    const replay = replayed ? `The same file was already accepted as batch ${batchId}.` : null;
    await deps.files.writeResult(
      resultKey,
      resultHeader() +
        items
          .map((item, index) => {
            const payoutId = payoutIds[index] as string;
            const owner = existing.get(payoutId);
            const duplicate = owner !== undefined && owner !== batchId;
            return csvLine([
              lines[index] ?? index + 2,
              item.reference,
              duplicate ? 'duplicate' : 'accepted',
              batchId,
              payoutId,
              duplicate
                ? `The reference is already used by payout ${payoutId}: this row is not paid again.`
                : replay,
            ]);
          })
          .join(''),
    );
    return replayed ? 'replayed' : 'accepted';
  };

  /** The refusal as a `payout.request_rejected` event (stored once, however often the file is retried). */
  function reject(tenantId: string, file: DroppedFile, request: string, reason: InboundRejection['reason']) {
    return deps.inbound.reject({
      id: rejectionId(tenantId, 's3', request, reason.code),
      tenantId,
      channel: 's3',
      origin: file.key,
      idempotencyKey: null,
      reference: null,
      reason,
      createdAt: new Date(now()).toISOString(),
    });
  }
}

const resultHeader = () => csvLine(FILE_RESULT_COLUMNS);

/**
 * An invalid file's result: every data row, `rejected` with its problems or `not_created` (nothing
 * of a file with problems is created), and the file's own problems (header, encoding) on line 1.
 */
function problemRows(
  problems: readonly FileProblem[],
  references: readonly (string | null)[],
  lines: readonly number[],
): string {
  const byLine = new Map<number, string[]>();
  for (const problem of problems) {
    const line = problem.line ?? 1;
    const text = `${problem.column ?? problem.param}: ${problem.message}`;
    byLine.set(line, [...(byLine.get(line) ?? []), text]);
  }
  const fileProblems = byLine.get(1);
  const rows = fileProblems ? [csvLine([1, null, 'rejected', null, null, fileProblems.join('; ')])] : [];
  references.forEach((reference, index) => {
    const line = lines[index] ?? index + 2;
    const found = byLine.get(line);
    rows.push(
      csvLine([
        line,
        reference,
        found ? 'rejected' : 'not_created',
        null,
        null,
        found ? found.join('; ') : 'The file has problems on other lines; nothing was created.',
      ]),
    );
  });
  return rows.join('');
}
