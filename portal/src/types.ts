import type { Actor } from './format';

export interface Me {
  id: string;
  email: string;
  name: string;
  roles: string[];
  tenant_id: string;
  permissions: string[];
  /** Two-step sign-in: set up, asked of this member, and this session signed in with a code. */
  mfa: { enabled: boolean; required: boolean; satisfied: boolean };
}

export interface List<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface Payout {
  id: string;
  status: string;
  amount: number;
  currency: string;
  reference: string;
  purpose: string;
  source: string;
  description: string | null;
  created_at: string;
  updated_at: string;
  destination: {
    type: string;
    email?: string;
    account_holder_name?: string;
    iban_last4?: string;
    account?: string;
  };
  approval: null | {
    required: number;
    approvals: { user_id: string; name: string; at: string; comment: string | null }[];
    rejected_by: { user_id: string; name: string; at: string; comment: string | null } | null;
    expires_at: string;
  };
  failure_code?: string | null;
  failure_message?: string | null;
  return_code?: string | null;
  returned_at?: string | null;
  connector?: string | null;
  metadata?: Record<string, string>;
}

export interface PortalPayout extends Payout {
  manual: null | {
    reason_code: string;
    rationale: string;
    ticket_url: string;
    customer_reference: string;
    attachment: null | { filename: string; content_type: string; size: number };
    requested_by: Actor;
  };
  timeline: { status: string; at: string; actor: Actor }[];
}

export interface Criteria {
  reason_codes: { code: string; label: string }[];
  min_rationale_length: number;
  limits: { category: string; currency: string; max_amount: number }[];
  version: number;
  updated_at: string;
}
