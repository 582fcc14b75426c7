import type { AuditEntry } from './audit.js';
import { AUDIT_ACTION_WORDS } from './catalog.js';
import { formatMoney, isPayableCurrency } from './money.js';

/**
 * An audit entry in words, for the portal's log and its CSV export alike (one wording, two places):
 * field names become words, amounts become "EUR 120.00", members' ids become their names.
 */

/** One changed field as a person reads it: `Amount: EUR 99.00 → EUR 120.00`. */
export interface ChangeText {
  field: string;
  before: string;
  after: string;
}

/** What the log can name: the tenant's members and API keys, by id. */
export interface AuditNames {
  members: ReadonlyMap<string, { name: string; email: string }>;
  apiKeys: ReadonlyMap<string, string>;
}

/** Stored field names (camelCase, as items hold them) in words. Unknown ones are split mechanically. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  amount: 'Amount',
  currency: 'Currency',
  status: 'Status',
  reference: 'Reference',
  purpose: 'Purpose',
  source: 'Source',
  destination: 'Destination',
  manual: 'Request details',
  approval: 'Approval',
  metadata: 'Metadata',
  description: 'Description',
  reasonCodes: 'Reason codes',
  minRationaleLength: 'Minimum rationale length',
  limits: 'Maximum amount',
  rules: 'Approval rules',
  expiryHours: 'Hours to decide',
  roleGrantDelayHours: 'Hours before a new role takes effect',
  mfaRequiredForAll: 'Two-step verification for everyone',
  roles: 'Roles',
  pendingRoles: 'Roles waiting for confirmation',
  grants: 'Role grants',
  mfaEnrolledAt: 'Two-step verification set up',
  email: 'Email',
  name: 'Name',
  url: 'URL',
  enabledEvents: 'Events sent',
  filters: 'Filters',
  requestedBy: 'Requested by',
  trigger: 'Trigger',
  rows: 'Rows',
  mode: 'Mode',
  hint: 'Key ends with',
  revokedAt: 'Revoked at',
  connectors: 'Payout rails',
  routes: 'Routing rules',
  defaultConnector: 'Default rail',
  reason: 'Reason',
  recovered: 'Deliveries resent',
  since: 'Since',
  secrets: 'Signing secrets',
  hash: 'Key',
  counts: 'Counts',
  reasonCode: 'Reason',
  rationale: 'Rationale',
  ticketUrl: 'Ticket link',
  customerReference: 'Customer reference',
  category: 'Category',
  attachment: 'Attachment',
  approvals: 'Approvals',
  required: 'Approvals needed',
  rejected_by: 'Rejected by',
  expires_at: 'Expires at',
  grantedBy: 'Granted by',
  grantedAt: 'Granted at',
  effectiveAt: 'Takes effect at',
  confirmedBy: 'Confirmed by',
  sources: 'Sources',
  purposes: 'Purposes',
  minAmount: 'Minimum amount',
  account_holder_name: 'Account holder',
  iban: 'IBAN',
  bic: 'BIC',
  created_gte: 'From',
  created_lt: 'Until',
  createdGte: 'From',
  createdLt: 'Until',
  at: 'At',
  by: 'By',
  comment: 'Comment',
  type: 'Type',
};

/** Codes (statuses, roles, purposes) whose words the mechanical rule gets wrong. */
const CODE_WORDS: Readonly<Record<string, string>> = {
  one_time_refund: 'One-time refund',
  api: 'API',
  api_key: 'API key',
  bank_account: 'Bank account',
  stripe_account: 'Stripe account',
  paypal: 'PayPal',
};

const SPELLED: Readonly<Record<string, string>> = {
  api: 'API',
  iban: 'IBAN',
  bic: 'BIC',
  url: 'URL',
  id: 'ID',
};

/** `minRationaleLength`, `reason_code` → "Min rationale length", "Reason code". */
function words(code: string): string {
  const text = code
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s._]+/)
    .filter(Boolean)
    .map((word) => SPELLED[word.toLowerCase()] ?? word.toLowerCase())
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A stored field's name in words. */
export const fieldWords = (field: string): string => FIELD_WORDS[field] ?? words(field);

/** A code value (a status, a role) in words; other text as it is. */
function codeWords(value: string): string {
  if (CODE_WORDS[value]) return CODE_WORDS[value];
  return /^[a-z]+(_[a-z]+)+$|^[a-z]+$/.test(value) ? words(value) : value;
}

/** An audit action in words ("Payout approved"); an action the catalog no longer lists, mechanically. */
export function actionWords(action: string): string {
  return AUDIT_ACTION_WORDS[action as keyof typeof AUDIT_ACTION_WORDS] ?? words(action);
}

const money = (amount: unknown, currency: unknown): string | undefined =>
  typeof amount === 'number' && typeof currency === 'string' && isPayableCurrency(currency)
    ? formatMoney(amount, currency)
    : undefined;

/** A member's name (and email when asked) from their id, or undefined for anything else. */
function personOf(id: string, names: AuditNames, withEmail = false): string | undefined {
  const member = names.members.get(id);
  if (member) return withEmail ? `${member.name} (${member.email})` : member.name;
  const key = names.apiKeys.get(id);
  return key ? `API key "${key}"` : undefined;
}

/** Any stored value in words: members by name, codes in words, objects as "Field: value" pairs. */
export function valueText(value: unknown, names: AuditNames): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return value.toLocaleString('en');
  if (typeof value === 'string') return personOf(value, names) ?? codeWords(value);
  if (Array.isArray(value))
    return value.length === 0 ? 'none' : value.map((item) => valueText(item, names)).join(', ');
  const object = value as Record<string, unknown>;
  // A person or key as stored in an item ({ id, name }, an actor): their name.
  if (typeof object.name === 'string' && (typeof object.id === 'string' || typeof object.email === 'string'))
    return (typeof object.id === 'string' && personOf(object.id, names)) || object.name;
  if (object.type === 'system' && Object.keys(object).length === 1) return 'The platform';
  const amount = money(object.amount, object.currency);
  return Object.entries(object)
    .filter(([, item]) => item !== null && item !== undefined)
    .filter(([field]) => !(amount && field === 'currency'))
    .map(
      ([field, item]) =>
        `${fieldWords(field)}: ${field === 'amount' && amount ? amount : valueText(item, names)}`,
    )
    .join('; ');
}

type Limit = { category: string; currency: string; maxAmount: number };
type Rule = {
  name: string;
  approvals: number;
  sources?: string[];
  purposes?: string[];
  currency?: string;
  minAmount?: number;
};

/** Limits per category and currency: one line per limit that changed ("Maximum amount, Support credit"). */
function limitChanges(before: unknown, after: unknown): ChangeText[] {
  const keyed = (limits: unknown) =>
    new Map(
      (Array.isArray(limits) ? (limits as Limit[]) : []).map((limit) => [
        `${limit.category}|${limit.currency}`,
        limit,
      ]),
    );
  const [old, now] = [keyed(before), keyed(after)];
  const lines: ChangeText[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const [was, is] = [old.get(key), now.get(key)];
    if (was?.maxAmount === is?.maxAmount) continue;
    const limit = (is ?? was) as Limit;
    lines.push({
      field: `Maximum amount, ${codeWords(limit.category)} in ${limit.currency}`,
      before: was ? (money(was.maxAmount, was.currency) ?? String(was.maxAmount)) : '—',
      after: is ? (money(is.maxAmount, is.currency) ?? String(is.maxAmount)) : '—',
    });
  }
  return lines;
}

/** An approval rule as a sentence: "Large: portal payouts of EUR 10,000.00 or more need 2 approvals". */
export function ruleSentence(rule: Rule): string {
  const sources = rule.sources?.length ? `${rule.sources.map(codeWords).join(' or ')} payouts` : 'Payouts';
  const purposes = rule.purposes?.length ? ` for ${rule.purposes.map(codeWords).join(' or ')}` : '';
  const amount =
    rule.minAmount !== undefined && rule.currency
      ? ` of ${money(rule.minAmount, rule.currency) ?? rule.minAmount} or more`
      : rule.currency
        ? ` in ${rule.currency}`
        : '';
  return `${rule.name}: ${sources}${purposes}${amount} need ${rule.approvals} approval${rule.approvals === 1 ? '' : 's'}`;
}

const rulesText = (rules: unknown) =>
  Array.isArray(rules) && rules.length > 0 ? (rules as Rule[]).map(ruleSentence).join('; ') : 'none';

/** The changes of an entry in words, one line per field (a limit per category and currency). */
export function changeTexts(changes: AuditEntry['changes'], names: AuditNames): ChangeText[] {
  const currencyOf = (side: 'before' | 'after') => changes.currency?.[side];
  return Object.entries(changes).flatMap(([field, { before, after }]): ChangeText[] => {
    if (field === 'limits') return limitChanges(before, after);
    if (field === 'rules')
      return [{ field: fieldWords(field), before: rulesText(before), after: rulesText(after) }];
    if (field === 'amount')
      return [
        {
          field: fieldWords(field),
          before:
            before === null
              ? '—'
              : (money(before, currencyOf('before') ?? currencyOf('after')) ?? valueText(before, names)),
          after:
            after === null
              ? '—'
              : (money(after, currencyOf('after') ?? currencyOf('before')) ?? valueText(after, names)),
        },
      ];
    if (field === 'reasonCodes') {
      const labels = (codes: unknown) =>
        Array.isArray(codes)
          ? codes.map((code: { label?: string; code?: string }) => code.label ?? code.code).join(', ')
          : '—';
      return [{ field: fieldWords(field), before: labels(before), after: labels(after) }];
    }
    return [{ field: fieldWords(field), before: valueText(before, names), after: valueText(after, names) }];
  });
}

/** A change line: "Amount: EUR 99.00 → EUR 120.00". */
export const changeLine = (change: ChangeText): string =>
  `${change.field}: ${change.before} → ${change.after}`;

/** Who acted, in words: a member's current name and email, an API key's name, or the platform. */
export function actorText(actor: AuditEntry['actor'], names: AuditNames): string {
  if (actor.type === 'system') return 'The platform';
  if (actor.type === 'api_key') return `API key "${names.apiKeys.get(actor.id) ?? actor.id}"`;
  return personOf(actor.id, names, true) ?? (actor.email ? `${actor.name} (${actor.email})` : actor.name);
}

/** The object of an entry in words: a member by name, a key by its name, the settings they changed. */
export function targetText(target: AuditEntry['target'], names: AuditNames): string {
  switch (target.type) {
    case 'member':
      return `Member ${personOf(target.id, names, true) ?? target.id}`;
    case 'api_key':
      return `API key "${names.apiKeys.get(target.id) ?? target.id}"`;
    case 'manual_payout_criteria':
      return 'Payout criteria';
    case 'approval_policy':
      return 'Approval policy';
    case 'tenant_connectors':
      return 'Payout rails';
    case 'route':
      return `Request ${target.id}`;
    case 'payout_batch':
      return `Batch ${target.id}`;
    default:
      return `${words(target.type)} ${target.id}`;
  }
}

/** The export's file name: what it holds and when it was taken (`audit-log-payout-approve-2026-12-02.csv`). */
export function auditLogFileName(filter: { action?: string }, now = new Date()): string {
  const action = filter.action ? `-${filter.action.replace(/[^a-z]+/g, '-')}` : '';
  return `audit-log${action}-${now.toISOString().slice(0, 10)}.csv`;
}
