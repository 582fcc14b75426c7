import type { AuditEntry } from '../domain/audit.js';
import { type AuditNames, actionWords, actorText, changeTexts, targetText } from '../domain/audit-text.js';

/** An audit entry as the portal API answers it: the stored entry, and who and what in words. */
export function toAuditResource(entry: AuditEntry, names: AuditNames) {
  return {
    id: entry.id,
    object: 'audit_entry' as const,
    at: entry.at,
    action: entry.action,
    action_text: actionWords(entry.action),
    actor: { ...entry.actor, label: actorText(entry.actor, names) },
    target: { ...entry.target, label: targetText(entry.target, names) },
    source_ip: entry.sourceIp,
    request_id: entry.requestId,
    changes: entry.changes,
    changes_text: changeTexts(entry.changes, names),
  };
}
