import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../../shared/adapters/dynamodb/connector-store.js';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { reconciliationFromEnvironment } from '../../shared/wiring/reconciliation.js';
import { reportStores, reportsFromEnvironment } from '../../shared/wiring/reports.js';

const config = loadConfig();
const table = tableOf(config);
// Only the stores the nightly work uses (the reports' and reconciliation's), on one client.
const adapters = { ...reportStores(table), connectors: createDynamoConnectorStore(table) };
const reports = reportsFromEnvironment({ adapters });
const reconciliation = reconciliationFromEnvironment({ adapters, config });

/**
 * The nightly work (EventBridge Scheduler in AWS, a timer locally), for every active tenant: the
 * report of the previous UTC day, and a reconciliation run of that day per payout rail it has.
 * Running twice for the same day requests nothing new; one tenant's failure does not stop the others.
 */
export async function handler(
  input: { day?: string } = {},
): Promise<{ day: string; reports: number; reconciliations: number }> {
  const day = input.day ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  let count = 0;
  let runs = 0;
  const failed: string[] = [];
  for (const tenant of await adapters.tenants.listTenants()) {
    if (tenant.status !== 'active') continue;
    try {
      await reports.requestDaily(tenant.id, day);
      count += 1;
      for (const connector of await reconciliation.connectorsOf(tenant.id)) {
        await reconciliation.requestNightly(tenant.id, connector, day);
        runs += 1;
      }
    } catch (error) {
      logger.error('nightly work failed for a tenant', { tenantId: tenant.id, day, error });
      failed.push(tenant.id);
    }
  }
  logger.info('daily reports and reconciliation runs requested', {
    day,
    tenants: count,
    reconciliations: runs,
  });
  // The scheduler retries a failed invocation; what was already requested is found, not doubled.
  if (failed.length > 0) throw new Error(`nightly work failed for ${failed.length} tenant(s)`);
  return { day, reports: count, reconciliations: runs };
}
