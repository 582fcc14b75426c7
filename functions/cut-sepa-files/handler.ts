import { loadConfig } from '../../shared/config.js';
import { logger } from '../../shared/http/logger.js';
import { sepaFilesFromEnvironment } from '../../shared/wiring/sepa.js';
import { sepaWorkerWiring } from '../../shared/wiring/sepa-workers.js';

const config = loadConfig();
const wiring = sepaWorkerWiring(config);
const { adapters } = wiring;
const sepa = sepaFilesFromEnvironment(wiring);

/**
 * Every few minutes (EventBridge Scheduler in AWS, a timer locally): each active tenant with the
 * `sepa_file` rail gets the file of its due cut-off, once (a file is named after its cut-off), and
 * any file a dead run left unfinished is finished first. `{ tenant_id, force: true }` cuts one
 * tenant's file now (the CLI's `sepa cut-off`). One tenant's failure does not stop the others; the
 * next run retries it (its payouts wait, queued, never lost).
 */
export async function handler(input: { tenant_id?: string; force?: boolean } = {}) {
  const tenants = input.tenant_id
    ? [input.tenant_id]
    : (await adapters.tenants.listTenants())
        .filter((tenant) => tenant.status === 'active')
        .map((tenant) => tenant.id);
  const files: { tenant_id: string; id: string; count: number | null; key: string | null }[] = [];
  const failed: string[] = [];
  for (const tenantId of tenants) {
    try {
      for (const file of await sepa.cutOff(tenantId, { force: input.force === true }))
        files.push({ tenant_id: tenantId, id: file.id, count: file.count, key: file.key });
    } catch (error) {
      logger.error('SEPA cut-off failed for a tenant', { tenantId, error });
      failed.push(tenantId);
    }
  }
  if (files.length > 0) logger.info('SEPA files written', { files });
  if (failed.length > 0) throw new Error(`SEPA cut-off failed for ${failed.length} tenant(s)`);
  return { files };
}
