import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { reportsFromEnvironment } from '../../shared/adapters/report-wiring.js';
import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';

const reports = reportsFromEnvironment();
const tenants = createDynamoAdapters(loadConfig()).tenants;

/**
 * The daily export (EventBridge Scheduler in AWS, a timer locally): a report of the previous UTC day
 * for every active tenant; running twice for the same day requests nothing new.
 */
export async function handler(input: { day?: string } = {}): Promise<{ day: string; reports: number }> {
  const day = input.day ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  let count = 0;
  for (const tenant of await tenants.listTenants()) {
    if (tenant.status !== 'active') continue;
    await reports.requestDaily(tenant.id, day);
    count += 1;
  }
  logger.info('daily reports requested', { day, tenants: count });
  return { day, reports: count };
}
