import type { S3Event } from 'aws-lambda';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sqsBatchHandler } from '../../shared/sqs/batch-handler.js';
import { BANK_FILES } from '../../shared/topology-constants.js';
import { tenantOfInboundKey } from '../../shared/use-cases/bank-replies.js';
import { bankRepliesFromEnvironment } from '../../shared/wiring/sepa.js';
import { sepaWorkerWiring } from '../../shared/wiring/sepa-workers.js';

const config = loadConfig();
const wiring = sepaWorkerWiring(config);
const { adapters } = wiring;
const replies = bankRepliesFromEnvironment(wiring);

/** S3 writes object keys URL-encoded, with `+` for a space, in its event notifications. */
const keyOf = (encoded: string) => decodeURIComponent(encoded.replace(/\+/g, ' '));

/**
 * A file in a tenant's inbound prefix of the bank files bucket (S3 event notification) → the
 * payouts it names paid, failed or returned. The key's prefix names the tenant (the gateway's IAM
 * policy lets it write only there); the tenant must exist and have the `sepa_file` rail, and each
 * line's payout is re-read from the table before anything changes. A file that cannot be read is
 * logged at ERROR and dropped (retrying would not change it); the table is not touched by it.
 */
export const handler = sqsBatchHandler(async (record) => {
  const notification = JSON.parse(record.body) as Partial<S3Event>;
  for (const entry of notification.Records ?? []) {
    if (!entry.eventName.startsWith('ObjectCreated:')) continue;
    const key = keyOf(entry.s3.object.key);
    const tenantId = tenantOfInboundKey(key);
    if (!tenantId) {
      logger.warn('bank file outside a tenant inbound prefix: ignored', { key });
      continue;
    }
    if ((entry.s3.object.size ?? 0) > BANK_FILES.maxBytes) {
      logger.error('bank file too large: not read', { key, size: entry.s3.object.size });
      continue;
    }
    const tenant = await adapters.tenants.getTenant(tenantId);
    const rail = (await adapters.connectors.get(tenantId))?.connectors.sepa_file;
    if (tenant?.status !== 'active' || !rail) {
      logger.error('bank file for a tenant without the SEPA rail: not read', { key, tenantId });
      continue;
    }
    try {
      const reading = await replies.readFile(tenantId, key);
      logger.info('bank file read', {
        ...reading,
        unknown: reading.unknown.slice(0, 20),
        unknownCount: reading.unknown.length,
      });
      if (reading.unknown.length > 0)
        logger.warn(
          'bank file names transfers that are not this tenant’s payouts (kept for reconciliation)',
          {
            key,
            tenantId,
            unknown: reading.unknown.slice(0, 20),
          },
        );
    } catch (error) {
      if ((error as Error).name !== 'BankFileError') throw error;
      logger.error('bank file could not be read: dropped', { key, tenantId, error });
    }
  }
});
