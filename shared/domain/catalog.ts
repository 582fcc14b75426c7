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

/** The payout rails (connectors). `sandbox` is the deterministic test rail; the others move real money. */
export const CONNECTOR_NAMES = ['sandbox', 'stripe', 'adyen', 'paypal'] as const;

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

/** Every action the audit log records (its `action` field), for filters and reports. */
export const AUDIT_ACTIONS = [
  'payout.create',
  'payout.cancel',
  'payout_batch.create',
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
  'connector.update',
  'connector.remove',
  'connector_routes.update',
] as const;
