import { type Table, tableOf } from '../adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../adapters/dynamodb/connector-store.js';
import type { DynamoAdapters } from '../adapters/dynamodb/index.js';
import { createDynamoPayoutRepository } from '../adapters/dynamodb/payout-repository.js';
import { createDynamoReconciliationStore } from '../adapters/dynamodb/reconciliation-store.js';
import { type Config, loadConfig } from '../config.js';
import type { ConnectorName } from '../domain/connectors.js';
import { AppError } from '../domain/errors.js';
import type { StatementResolver } from '../ports/reconciliation.js';
import type { ReportFiles } from '../ports/report-store.js';
import { reconciliationUseCase } from '../use-cases/reconciliation.js';
import { reportFilesOnFirstCall } from './reports.js';

/** The connector cannot be reconciled for this tenant (not set up, or no statement API). */
export class StatementUnavailableError extends AppError {
  constructor(connector: string, why: string) {
    super('invalid_request_error', 'connector_not_configured', `The ${connector} rail ${why}.`, {
      param: 'connector',
    });
    this.name = 'StatementUnavailableError';
  }
}

/**
 * The reconciliation use case as its functions wire it: the run store, the payouts, which rails a
 * tenant can reconcile, and the items files. Only the worker passes `statements`
 * (wiring/reconciliation-worker.ts): the API, portal and scheduler functions never bundle a provider.
 */
export function reconciliationFromEnvironment(
  shared: {
    adapters?: ReconciliationStores;
    config?: Config;
    statements?: (deps: { config: Config; adapters: ReconciliationStores }) => StatementResolver;
    /** The items files' bucket as the function uses it (default: its client built on first call). */
    files?: (bucket: string) => ReportFiles;
  } = {},
) {
  const config = shared.config ?? loadConfig();
  const adapters = shared.adapters ?? reconciliationStores(tableOf(config));
  const sandboxOffered = config.PAYOUTS_SANDBOX_RAIL === 'on';
  return reconciliationUseCase({
    runs: adapters.reconciliation,
    payouts: adapters.payouts,
    ...(shared.statements ? { statements: shared.statements({ config, adapters }) } : {}),
    ...(config.PAYOUTS_REPORTS_BUCKET
      ? { files: (shared.files ?? reportFilesOnFirstCall)(config.PAYOUTS_REPORTS_BUCKET) }
      : {}),
    async connectorsOf(tenantId) {
      const configured = Object.keys(
        (await adapters.connectors.get(tenantId))?.connectors ?? {},
      ) as ConnectorName[];
      return sandboxOffered ? ['sandbox', ...configured] : configured;
    },
  });
}

/** The stores reconciliation uses: its functions bundle only these. */
export type ReconciliationStores = Pick<DynamoAdapters, 'reconciliation' | 'payouts' | 'connectors'>;

export function reconciliationStores(table: Table): ReconciliationStores {
  return {
    reconciliation: createDynamoReconciliationStore(table),
    payouts: createDynamoPayoutRepository(table),
    connectors: createDynamoConnectorStore(table),
  };
}
