import type { SQSRecord } from 'aws-lambda';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { createSandboxProvider } from '../../shared/adapters/sandbox-provider.js';
import {
  createSqsTransferChecks,
  type TransferCheckMessage,
} from '../../shared/adapters/sqs-transfer-checks.js';
import { loadConfig } from '../../shared/config.js';
import { PROVIDER_RAILS } from '../../shared/connectors/provider-rails.js';
import { RetryLaterError } from '../../shared/domain/errors.js';
import { LeaseHeldError } from '../../shared/domain/execution.js';
import { logger } from '../../shared/http/logger.js';
import { ProviderAuthenticationError, ProviderUnavailableError } from '../../shared/ports/payout-provider.js';
import { backoffSeconds, retryBackoff, sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import {
  ConnectorAccountChangedError,
  ConnectorNotConfiguredError,
  checkTransferUseCase,
  executePayoutUseCase,
  TransferNotFoundError,
} from '../../shared/use-cases/execute-payout.js';
import { providerResolver } from '../../shared/wiring/connectors.js';

const config = loadConfig();
const backoff = retryBackoff();
const client = createDocumentClient();
const table = config.PAYOUTS_TABLE_NAME;
const payouts = createDynamoPayoutRepository({ client, table });
const sandbox = createSandboxProvider({
  client,
  table,
  crashAfterTransferRate: config.PAYOUTS_SANDBOX_CHAOS_CRASH_RATE,
  outage: config.PAYOUTS_SANDBOX_CHAOS_OUTAGE,
});
// Each payout leaves through its own rail, with its tenant's credentials (opened once per container).
const providerFor = providerResolver({ client, table, config, registry: PROVIDER_RAILS, sandbox });
if (!config.PAYOUTS_QUEUE_URL_EXECUTION) throw new Error('PAYOUTS_QUEUE_URL_EXECUTION is not set');
const execute = executePayoutUseCase({
  payouts,
  providerFor,
  leaseSeconds: config.PAYOUTS_EXECUTION_LEASE_SECONDS,
  checks: createSqsTransferChecks({ queueUrl: config.PAYOUTS_QUEUE_URL_EXECUTION }),
});
const checkTransfer = checkTransferUseCase({ payouts, providerFor });

/**
 * The payout an envelope names (`payout.queued`, or the sweeper's `outbox.execution_requested`): only
 * its tenant and id are read; the payout itself is read from the table. A message that names none can
 * never be executed: it is logged at ERROR (the executor's alarm) and dropped, not retried for a day.
 */
function payoutOf(record: SQSRecord): { tenantId: string; payoutId: string; check: boolean } | undefined {
  let envelope: {
    detail?: { tenant_id?: unknown; data?: { object?: { id?: unknown } } };
  } & Partial<TransferCheckMessage> = {};
  try {
    envelope = JSON.parse(record.body);
  } catch {
    // not JSON: names nothing
  }
  // A later look at a transfer the executor itself asked for (a return the provider may report).
  const check = envelope.check_transfer;
  if (typeof check?.tenant_id === 'string' && typeof check.payout_id === 'string')
    return { tenantId: check.tenant_id, payoutId: check.payout_id, check: true };
  const tenantId = envelope.detail?.tenant_id;
  const payoutId = envelope.detail?.data?.object?.id;
  if (typeof tenantId === 'string' && typeof payoutId === 'string')
    return { tenantId, payoutId, check: false };
  logger.error('Execution message names no payout: dropped (it can never be executed)', {
    messageId: record.messageId,
    body: record.body.slice(0, 500),
  });
  return undefined;
}

/**
 * Execution queue → provider. A failed record comes back after the platform's backoff, for more than
 * a day (RECEIVES_FOR_A_DAY), or exactly when the provider's `Retry-After` says (never sooner than the
 * attempt's lease expires, which the next attempt must take over).
 */
export const handler = sqsBatchHandler(async (record) => {
  const named = payoutOf(record);
  if (!named) return;
  const { tenantId, payoutId } = named;
  try {
    if (named.check) {
      const looked = await checkTransfer(tenantId, payoutId);
      logger.info('Transfer checked', { payoutId, result: looked });
      return;
    }
    const result = await execute(tenantId, payoutId);
    logger.info('Payout executed', { payoutId, result });
  } catch (error) {
    if (error instanceof LeaseHeldError) {
      // Another attempt owns the payout: come back when its lease ends (a duplicate delivery, mostly).
      const seconds = error.until ? Math.ceil((Date.parse(error.until) - Date.now()) / 1000) + 1 : undefined;
      logger.info('Payout busy, retrying when the lease ends', { payoutId, seconds });
      if (seconds !== undefined)
        throw new RetryLaterError(Math.max(1, seconds), error.message, { cause: error });
    }
    if (
      error instanceof ConnectorNotConfiguredError ||
      error instanceof ProviderAuthenticationError ||
      error instanceof ConnectorAccountChangedError ||
      error instanceof TransferNotFoundError
    )
      // ERROR: only an admin can fix this (the tenant's rail or its credentials); retried meanwhile.
      logger.error('The payout’s rail cannot be used; retried later with the same key', {
        payoutId,
        error: error.message,
      });
    if (error instanceof ProviderUnavailableError) {
      // ERROR: a provider outage is what the executor's alarm is for, even when it asks us to wait.
      logger.error('Provider unavailable; the payout is retried later with the same key', {
        payoutId,
        status: error.status,
        retryAfterSeconds: error.retryAfterSeconds,
      });
      // Never sooner than the provider asks, nor than the backoff would: a short Retry-After must not
      // spend the day of receives in an hour.
      if (error.retryAfterSeconds !== undefined)
        throw new RetryLaterError(
          Math.max(
            error.retryAfterSeconds,
            config.PAYOUTS_EXECUTION_LEASE_SECONDS,
            backoffSeconds(Number(record.attributes.ApproximateReceiveCount), backoff),
          ),
          error.message,
          { cause: error },
        );
    }
    throw error;
  }
});
