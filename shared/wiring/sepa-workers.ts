import { tableOf } from '../adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../adapters/dynamodb/connector-store.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { createDynamoTenantRepository } from '../adapters/dynamodb/tenant-repository.js';
import { createS3BankFiles } from '../adapters/s3-bank-files.js';
import { binding, type Config } from '../config.js';

/**
 * What the two SEPA workers (cut-sepa-files, read-bank-file) stand on: only the stores they use, and
 * the bank files bucket built at cold start, since they use it on every run. A module of its own:
 * `wiring/sepa.ts` must not import the S3 adapter, or portal-rails would load S3 at cold start again.
 */
export function sepaWorkerWiring(config: Config) {
  const table = tableOf(config);
  return {
    config,
    adapters: {
      payouts: createDynamoPayoutRepository(table),
      connectors: createDynamoConnectorStore(table),
      tenants: createDynamoTenantRepository(table),
    },
    objects: createS3BankFiles({ bucket: binding(config, 'PAYOUTS_BANK_FILES_BUCKET') }),
  };
}
