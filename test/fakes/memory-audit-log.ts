import type { AuditEntry } from '../../shared/domain/audit.js';
import type { Page } from '../../shared/ports/payout-repository.js';
import type { AuditLog, AuditQuery } from '../../shared/ports/team-store.js';
import { newestFirstPage } from './newest-first.js';

/**
 * {@link AuditLog} in memory (shared/adapters/dynamodb/audit-log.ts): append-only, an entry already
 * written (same id) is left as it was; listed newest first by `{at}#{id}` with the log's filters.
 */
export class MemoryAuditLog implements AuditLog {
  private readonly entries = new Map<string, AuditEntry>();

  async append(entries: readonly AuditEntry[]): Promise<void> {
    for (const entry of entries) this.write(entry);
  }

  /** The put of an entry as a transaction writes it beside another item (a webhook endpoint's delete). */
  write(entry: AuditEntry): void {
    const slot = `${entry.tenantId}#${entry.id}`;
    if (!this.entries.has(slot)) this.entries.set(slot, structuredClone(entry));
  }

  async list(tenantId: string, query: AuditQuery): Promise<Page<AuditEntry>> {
    const actorId = (entry: AuditEntry) => (entry.actor.type === 'system' ? 'system' : entry.actor.id);
    const matching = [...this.entries.values()].filter(
      (entry) =>
        entry.tenantId === tenantId &&
        (query.action === undefined || entry.action === query.action) &&
        (query.actorId === undefined || actorId(entry) === query.actorId) &&
        (query.targetId === undefined || entry.target.id === query.targetId) &&
        (query.createdGte === undefined || entry.at >= query.createdGte) &&
        (query.createdLt === undefined || entry.at < query.createdLt),
    );
    return newestFirstPage(structuredClone(matching), {
      timeOf: (entry) => entry.at,
      limit: query.limit,
      startingAfter: query.startingAfter,
      cursorOf: (id) => this.entries.get(`${tenantId}#${id}`),
    });
  }

  /** Every entry of a tenant, oldest first (assertions). */
  all(tenantId: string): AuditEntry[] {
    return [...this.entries.values()]
      .filter((entry) => entry.tenantId === tenantId)
      .sort((a, b) => (`${a.at}#${a.id}` < `${b.at}#${b.id}` ? -1 : 1))
      .map((entry) => structuredClone(entry));
  }
}
