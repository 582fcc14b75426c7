import type { ActionStamp } from '../domain/audit.js';
import type { TenantLimits } from '../domain/rate-limits.js';

export type ApiKeyMode = 'test' | 'live';

export interface Tenant {
  id: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
  /** Per-second request limits set by an operator; absent ones are the defaults. */
  limits?: Partial<TenantLimits>;
}

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  mode: ApiKeyMode;
  /** sha256 of the secret key; the key itself is never stored. */
  hash: string;
  /** `sk_test_…` plus the last 4 characters, for display. */
  hint: string;
  status: 'active' | 'revoked';
  createdAt: string;
  /**
   * The member who created it in the portal (null: the operators' CLI). Payouts it creates count as
   * that member's requests for four eyes: a person cannot approve what their own key asked for.
   */
  createdBy?: string | null;
  revokedAt: string | null;
  /** The last change a person made through the portal (the audit log's source). */
  lastAction?: ActionStamp;
}

/** Tenants and their API keys. */
export interface TenantRepository {
  createTenant(tenant: Tenant, firstKey: ApiKey): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Sets the tenant's request limits; false when there is no such tenant. */
  setLimits(tenantId: string, limits: Partial<TenantLimits>): Promise<boolean>;
  /** Every tenant (tenants created before this listing existed are not in it). */
  listTenants(): Promise<Tenant[]>;
  addApiKey(key: ApiKey): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKey | undefined>;
  listApiKeys(tenantId: string): Promise<ApiKey[]>;
  /** @returns false when no active key of that id exists for the tenant */
  revokeApiKey(tenantId: string, keyId: string, now: string, action?: ActionStamp): Promise<boolean>;
}
