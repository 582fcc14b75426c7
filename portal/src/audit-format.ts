import type { ChangeText } from '../../shared/domain/audit-text';
import { AUDIT_ACTION_WORDS, AUDIT_ACTIONS, type AuditAction } from '../../shared/domain/catalog';

/**
 * The audit log as the portal shows it. The portal API already says who, what and which change in
 * words (`shared/domain/audit-text.ts`, the same wording as the CSV export); here: the filter's
 * choices, where an object lives in the portal, and a change as one line.
 */

/** An audit entry as `GET /audit-log` answers it. */
export interface AuditEntryResource {
  id: string;
  at: string;
  action: string;
  action_text: string;
  actor: { type: 'member' | 'api_key' | 'system'; id?: string; label: string };
  target: { type: string; id: string; label: string };
  source_ip: string | null;
  request_id: string | null;
  changes_text: ChangeText[];
}

/** Every audit action for the filter, in the words the log shows, alphabetically. */
export const ACTION_CHOICES: readonly { value: AuditAction; label: string }[] = AUDIT_ACTIONS.map(
  (action) => ({
    value: action,
    label: AUDIT_ACTION_WORDS[action],
  }),
).sort((a, b) => a.label.localeCompare(b.label));

/** The portal page of an entry's object, when it has one. */
export function objectHref(target: AuditEntryResource['target']): string | undefined {
  switch (target.type) {
    case 'payout':
      return `/payouts/${encodeURIComponent(target.id)}`;
    case 'payout_batch':
      return `/batches/${encodeURIComponent(target.id)}`;
    case 'member':
      return '/team';
    case 'api_key':
      return '/api-keys';
    case 'webhook_endpoint':
      return '/webhooks';
    case 'manual_payout_criteria':
      return '/settings';
    case 'approval_policy':
      return '/approval-policy';
    case 'tenant_connectors':
      return '/payout-rails';
    case 'report':
      return '/reports';
    default:
      return undefined;
  }
}

/** "Amount: EUR 99.00 → EUR 120.00". */
export const changeSentence = (change: ChangeText): string =>
  `${change.field}: ${change.before} → ${change.after}`;
