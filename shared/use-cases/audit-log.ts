import { type AuditNames, changeLine } from '../domain/audit-text.js';
import { AppError } from '../domain/errors.js';
import { CSV_DOWNLOAD_MAX_BYTES, csvLine } from '../domain/reports.js';
import type { AuditLog, AuditQuery } from '../ports/team-store.js';
import { toAuditResource } from '../schemas/audit-resource.js';

/** Entries one CSV export holds at most: a request reads at most this many (pages of 100), never more. */
export const AUDIT_EXPORT_MAX_ENTRIES = 10_000;
const EXPORT_PAGE = 100;

/** The columns of the audit log's CSV, as a person reads them. */
export const AUDIT_CSV_COLUMNS = [
  'When (UTC)',
  'Who',
  'Action',
  'Object',
  'Object ID',
  'Changes',
  'Source IP',
  'Request ID',
  'Entry ID',
] as const;

/** The filters an export or a page applies (the list query without its paging). */
export type AuditFilter = Omit<AuditQuery, 'limit' | 'startingAfter'>;

/**
 * The audit log as an auditor reads it: members and API keys named (the log stores ids; a person
 * renamed since reads under their current name), changes in words, and the filtered log as CSV.
 */
export function auditLogUseCase(deps: {
  audit: Pick<AuditLog, 'list'>;
  members: (tenantId: string) => Promise<readonly { id: string; name: string; email: string }[]>;
  apiKeys: (tenantId: string) => Promise<readonly { id: string; name: string }[]>;
}) {
  /** A tenant's team and keys are small (tens, not thousands): read once per request. */
  async function namesOf(tenantId: string): Promise<AuditNames> {
    const [members, keys] = await Promise.all([deps.members(tenantId), deps.apiKeys(tenantId)]);
    return {
      members: new Map(members.map((member) => [member.id, { name: member.name, email: member.email }])),
      apiKeys: new Map(keys.map((key) => [key.id, key.name])),
    };
  }

  return {
    async list(tenantId: string, query: AuditQuery) {
      const [page, names] = await Promise.all([deps.audit.list(tenantId, query), namesOf(tenantId)]);
      const data = page.items.map((entry) => toAuditResource(entry, names));
      return {
        object: 'list' as const,
        data,
        has_more: page.hasMore,
        next_cursor: page.hasMore ? (data.at(-1)?.id ?? null) : null,
      };
    },

    /**
     * Every entry of the filter as CSV, newest first (fields that a spreadsheet would run as a
     * formula are defused by the report CSV writer). Bounded: a filter matching more than
     * {@link AUDIT_EXPORT_MAX_ENTRIES} entries is refused with a 400 that asks for a shorter period.
     */
    async exportCsv(tenantId: string, filter: AuditFilter): Promise<string> {
      const names = await namesOf(tenantId);
      const lines = [`\uFEFF${csvLine(AUDIT_CSV_COLUMNS)}`];
      let startingAfter: string | undefined;
      let bytes = 0;
      const tooLarge = (what: string) =>
        new AppError(
          'invalid_request_error',
          'export_too_large',
          `${what} match: choose a shorter period (From and To) or another filter, and export each part.`,
          { param: 'created_gte' },
        );
      for (let read = 0; ; ) {
        const page = await deps.audit.list(tenantId, { ...filter, limit: EXPORT_PAGE, startingAfter });
        for (const entry of page.items) {
          const resource = toAuditResource(entry, names);
          const line = csvLine([
            entry.at,
            resource.actor.label,
            resource.action_text,
            resource.target.label,
            entry.target.id,
            resource.changes_text.map(changeLine).join('\n'),
            entry.sourceIp,
            entry.requestId,
            entry.id,
          ]);
          lines.push(line);
          bytes += Buffer.byteLength(line);
        }
        read += page.items.length;
        // Large changes can make fewer entries too big for one response.
        if (bytes > CSV_DOWNLOAD_MAX_BYTES) throw tooLarge('More than 5 MB of entries');
        if (!page.hasMore) break;
        if (read >= AUDIT_EXPORT_MAX_ENTRIES)
          throw tooLarge(`More than ${AUDIT_EXPORT_MAX_ENTRIES.toLocaleString('en')} entries`);
        startingAfter = page.items.at(-1)?.id;
      }
      return lines.join('');
    },
  };
}
