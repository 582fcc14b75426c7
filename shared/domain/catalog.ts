/**
 * The platform's vocabularies as plain constants, with no imports: the domain, the schemas and the
 * portal's browser bundle all read them from here, so a new status or purpose is added once.
 */
export const PAYOUT_STATUSES = [
  'pending_approval',
  'queued',
  'processing',
  'paid',
  'failed',
  'returned',
  'rejected',
  'expired',
  'canceled',
] as const;

export const PAYOUT_PURPOSES = [
  'payroll',
  'refund',
  'reward',
  'support_credit',
  'one_time_refund',
  'other',
] as const;

export const PAYOUT_SOURCES = ['api', 'portal', 'batch', 'event'] as const;

/**
 * The payout rails (connectors). `sandbox` is the deterministic test rail; the others move real money:
 * three providers' APIs, and `sepa_file`, SEPA credit transfer files the tenant's bank gateway carries.
 */
export const CONNECTOR_NAMES = ['sandbox', 'stripe', 'adyen', 'paypal', 'sepa_file'] as const;

/** Where a payout can be sent (the destination's `type`). */
export const DESTINATION_TYPES = ['bank_account', 'email', 'stripe_account'] as const;

/**
 * Why a payout failed or came back (`failure_code`, `return_code`): the platform's own codes, the same
 * for every connector. The provider's own code is kept in `failure_message`.
 */
export const FAILURE_CODES = [
  'account_closed',
  'invalid_account',
  'insufficient_funds',
  'recipient_not_found',
  'limit_exceeded',
  'unsupported_destination',
  'provider_rejected',
  'connector_not_configured',
] as const;

/** Categories of manual payouts made in the portal (each is also the payout's purpose). */
export const MANUAL_CATEGORIES = ['support_credit', 'one_time_refund'] as const;

/** Documentation a manual payout may carry: its types and maximum size. */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'text/plain'] as const;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/**
 * Every action the audit log records (its `action` field), for filters and reports: the one list.
 * `stamp` and `standaloneEntry` take only these, so an action written anywhere is in the filter.
 */
export const AUDIT_ACTIONS = [
  'payout.create',
  'payout.approve',
  'payout.reject',
  'payout.cancel',
  'payout_batch.create',
  'report.request',
  'member.invite',
  'member.update',
  'member.deactivate',
  'member.reactivate',
  'member.confirm_roles',
  'member.mfa_enable',
  'member.mfa_reset',
  'member.mfa_lapsed',
  'access.denied',
  'api_key.create',
  'api_key.revoke',
  'webhook_endpoint.create',
  'webhook_endpoint.update',
  'webhook_endpoint.delete',
  'webhook_endpoint.rotate_secret',
  'webhook_endpoint.recover',
  'manual_payout_criteria.update',
  'approval_policy.update',
  'connector.update',
  'connector.remove',
  'connector_routes.update',
  'reconciliation_run.request',
  'reconciliation_item.resolve',
  'sepa_file.cut_off',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Each audit action as a person reads it in the log, its filter and its export. */
export const AUDIT_ACTION_WORDS: Readonly<Record<AuditAction, string>> = {
  'payout.create': 'Payout created',
  'payout.approve': 'Payout approved',
  'payout.reject': 'Payout rejected',
  'payout.cancel': 'Payout canceled',
  'payout_batch.create': 'Batch uploaded',
  'report.request': 'Report requested',
  'member.invite': 'Member invited',
  'member.update': 'Member changed',
  'member.deactivate': 'Member deactivated',
  'member.reactivate': 'Member reactivated',
  'member.confirm_roles': 'Roles confirmed',
  'member.mfa_enable': 'Two-step verification set up',
  'member.mfa_reset': 'Two-step verification reset',
  'member.mfa_lapsed': 'Two-step verification lapsed',
  'access.denied': 'Access refused',
  'api_key.create': 'API key created',
  'api_key.revoke': 'API key revoked',
  'webhook_endpoint.create': 'Webhook endpoint added',
  'webhook_endpoint.update': 'Webhook endpoint changed',
  'webhook_endpoint.delete': 'Webhook endpoint removed',
  'webhook_endpoint.rotate_secret': 'Webhook signing secret rotated',
  'webhook_endpoint.recover': 'Webhook deliveries resent',
  'manual_payout_criteria.update': 'Payout criteria updated',
  'approval_policy.update': 'Approval policy updated',
  'connector.update': 'Payout rail set up',
  'connector.remove': 'Payout rail removed',
  'connector_routes.update': 'Payout routing changed',
  'reconciliation_run.request': 'Reconciliation run requested',
  'reconciliation_item.resolve': 'Reconciliation difference resolved',
  'sepa_file.cut_off': 'SEPA file cut',
};

/** Every event a tenant can receive (`GET /v1/events`, webhooks), `object.happening`. */
export const EVENT_TYPES = [
  'payout.created',
  'payout.approval_requested',
  'payout.approved',
  'payout.rejected',
  'payout.expired',
  'payout.queued',
  'payout.processing',
  'payout.paid',
  'payout.failed',
  'payout.returned',
  'payout.canceled',
  'webhook_endpoint.disabled',
  'payout_batch.completed',
  'payout.request_rejected',
  'reconciliation_run.completed',
] as const;
