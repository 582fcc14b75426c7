import { apiKeyHint, generateApiKey, hashApiKey, looksLikeApiKey } from '../domain/api-keys.js';
import type { ActionStamp } from '../domain/audit.js';
import { newId } from '../domain/ids.js';
import type { ApiKey, ApiKeyMode, Tenant, TenantRepository } from '../ports/tenant-repository.js';

/** What a caller of the API is, once its key checks out. */
export interface ApiPrincipal {
  tenantId: string;
  apiKeyId: string;
  mode: ApiKeyMode;
}

function newApiKey(
  tenantId: string,
  name: string,
  mode: ApiKeyMode,
  now: string,
): { key: ApiKey; secret: string } {
  const secret = generateApiKey(mode);
  return {
    secret,
    key: {
      id: newId('ak'),
      tenantId,
      name,
      mode,
      hash: hashApiKey(secret),
      hint: apiKeyHint(secret),
      status: 'active',
      createdAt: now,
      revokedAt: null,
    },
  };
}

export function tenantAdministration(deps: { tenants: TenantRepository; now?: () => number }) {
  const now = () => new Date((deps.now ?? Date.now)()).toISOString();
  return {
    /** Creates a tenant with its first API key; the secret is returned here only. */
    async createTenant(input: { name: string; mode?: ApiKeyMode }) {
      const createdAt = now();
      const tenant: Tenant = { id: newId('ten'), name: input.name, status: 'active', createdAt };
      const { key, secret } = newApiKey(tenant.id, 'Default key', input.mode ?? 'test', createdAt);
      await deps.tenants.createTenant(tenant, key);
      return { tenant, apiKey: key, secret };
    },

    async createApiKey(input: { tenantId: string; name: string; mode?: ApiKeyMode; action?: ActionStamp }) {
      const tenant = await deps.tenants.getTenant(input.tenantId);
      if (!tenant) throw new Error(`No such tenant: ${input.tenantId}`);
      const created = newApiKey(tenant.id, input.name, input.mode ?? 'test', now());
      const key = input.action ? { ...created.key, lastAction: input.action } : created.key;
      const { secret } = created;
      await deps.tenants.addApiKey(key);
      return { apiKey: key, secret };
    },

    getTenant: (tenantId: string) => deps.tenants.getTenant(tenantId),

    listApiKeys: (tenantId: string) => deps.tenants.listApiKeys(tenantId),

    revokeApiKey: (tenantId: string, keyId: string, action?: ActionStamp) =>
      deps.tenants.revokeApiKey(tenantId, keyId, now(), action),
  };
}

/** Resolves a bearer key to its tenant, or undefined for a missing, malformed, unknown or revoked key. */
export function authenticateApiKeyUseCase(deps: { tenants: TenantRepository }) {
  return async function authenticate(authorization: string | undefined): Promise<ApiPrincipal | undefined> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const secret = match?.[1];
    if (!secret || !looksLikeApiKey(secret)) return undefined;
    const key = await deps.tenants.findApiKeyByHash(hashApiKey(secret));
    // One read on the hot path: disabling a tenant is done by revoking its keys, not checked here.
    if (key?.status !== 'active') return undefined;
    return { tenantId: key.tenantId, apiKeyId: key.id, mode: key.mode };
  };
}
