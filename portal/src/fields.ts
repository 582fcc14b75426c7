/**
 * The one dictionary of field names as people read them. The API names a field by its path
 * (`destination.iban`, `ticket_url`, `created_lt`, `items.3.amount`); every page says "IBAN",
 * "Ticket link", "Created before", "Item 4: Amount" instead, so no code name reaches a person.
 * Add a field here, not on a page.
 */
const WORDS: Record<string, string> = {
  // Payouts (the API, the New manual payout form, batch items)
  amount: 'Amount',
  currency: 'Currency',
  category: 'Kind of payout',
  customer_reference: 'Customer reference',
  reason_code: 'Reason',
  rationale: 'Rationale',
  ticket_url: 'Ticket link',
  attachment: 'Attachment',
  'attachment.key': 'Attachment',
  'attachment.filename': 'Attachment name',
  content_type: 'File type',
  size: 'File size',
  filename: 'File name',
  destination: 'Pay to',
  'destination.type': 'Kind of destination',
  'destination.email': 'Recipient email',
  'destination.iban': 'IBAN',
  'destination.bic': 'BIC',
  'destination.account_holder_name': 'Account holder name',
  'destination.account': 'Stripe account id',
  reference: 'Reference',
  purpose: 'Purpose',
  description: 'Description',
  metadata: 'Metadata',
  // The bulk upload file's own columns
  iban: 'IBAN',
  bic: 'BIC',
  email: 'Email',
  account_holder_name: 'Account holder name',
  'iban/email': 'IBAN or email',
  file: 'File',
  csv: 'CSV file',
  items: 'Items',
  // Filters
  status: 'Status',
  source: 'Source',
  created_gte: 'Created from',
  created_lt: 'Created before',
  limit: 'Page size',
  starting_after: 'Page',
  reference_prefix: 'Reference starts with',
  destination_last4: 'Last 4 of the destination',
  action: 'Action',
  actor_id: 'Person',
  target_id: 'Object',
  // Team, sign-in, approvals
  name: 'Name',
  roles: 'Roles',
  code: 'Code',
  password: 'Password',
  comment: 'Comment',
  ids: 'Selection',
  // Settings and policies
  reason_codes: 'Reason codes',
  label: 'Label',
  min_rationale_length: 'Minimum rationale length',
  limits: 'Limits',
  max_amount: 'Maximum amount',
  rules: 'Rules',
  approvals: 'Approvals needed',
  min_amount: 'Minimum amount',
  purposes: 'Purposes',
  sources: 'Sources',
  expiry_hours: 'Approval expiry',
  role_grant_delay_hours: 'Role grant delay',
  mfa_required_for_all: 'Two-step sign-in for everyone',
  version: 'Version',
  // Webhooks and keys
  url: 'URL',
  enabled_events: 'Events',
  mode: 'Mode',
  'Idempotency-Key': 'Request key',
  body: 'Request',
};

/** Lists whose entries the API names by index (`rules.2.approvals`), as one entry is called. */
const ENTRIES: Record<string, string> = {
  items: 'Item',
  rules: 'Rule',
  limits: 'Limit',
  reason_codes: 'Reason code',
  ids: 'Selection entry',
};

/** `routing_number` → "Routing number": the last resort for a name not in the dictionary. */
function spelledOut(segment: string): string {
  const text = segment.replace(/[_-]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A field's name in words: `destination.iban` → "IBAN", `ticket_url` → "Ticket link",
 * `items.3.amount` → "Item 4: Amount" (items count from 1), `file.colour` → "Column “colour”",
 * `metadata.employee_id` → "Metadata “employee_id”" (a key the caller chose, shown as written).
 */
export function fieldName(param: string): string {
  const known = WORDS[param];
  if (known) return known;
  const entry = /^([a-z_]+)\.(\d+)(?:\.(.+))?$/.exec(param);
  if (entry?.[1] && entry[2]) {
    const list = ENTRIES[entry[1]] ?? spelledOut(entry[1]);
    const position = `${list} ${Number(entry[2]) + 1}`;
    return entry[3] ? `${position}: ${fieldName(entry[3])}` : position;
  }
  if (param.startsWith('file.')) return `Column “${param.slice('file.'.length)}”`;
  if (param.startsWith('metadata.')) return `Metadata “${param.slice('metadata.'.length)}”`;
  const dot = param.lastIndexOf('.');
  if (dot > 0) return `${fieldName(param.slice(0, dot))}: ${fieldName(param.slice(dot + 1))}`;
  return spelledOut(param);
}

/** Messages that read on from the field's name ("IBAN must be a valid IBAN"); others follow a colon. */
const CONTINUES = /^(is|are|must|may|has|have|needs|should|cannot|can|repeats|was|does)\b/;

/** One problem as a sentence in words: ("destination.iban", "must be a valid IBAN") → "IBAN must be a valid IBAN". */
export function problemText(param: string, message: string): string {
  const name = fieldName(param);
  return CONTINUES.test(message) ? `${name} ${message}` : `${name}: ${message}`;
}

/**
 * A message as the API wrote it, with a leading code name put in words: the API's first problem
 * reads "ticket_url: must be an http(s) URL"; a person reads "Ticket link must be an http(s) URL".
 */
export function messageInWords(message: string): string {
  const match = /^([A-Za-z][\w.-]*): (.*)$/s.exec(message);
  if (!match?.[1] || match[2] === undefined || !/[._]|^[a-z]/.test(match[1])) return message;
  return problemText(match[1], match[2]);
}
