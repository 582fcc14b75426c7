import { apiKeyHint, generateApiKey, hashApiKey, looksLikeApiKey } from '../domain/api-keys.js';
import type { ActionStamp } from '../domain/audit.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { DEFAULT_LIMITS, MAX_LIMIT_PER_SECOND, type TenantLimits } from '../domain/rate-limits.js';
import type { ApiKey, ApiKeyMode, Tenant, TenantRepository } from '../ports/tenant-repository.js';

/** What a caller of the API is, once its key checks out. */
export interface ApiPrincipal {
  tenantId: string;
  apiKeyId: string;
  mode: ApiKeyMode;
  /** The member who created the key, if a member did (four eyes: see ApiKey.createdBy). */
  createdBy?: string;
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
      const creator = input.action?.actor.type === 'member' ? input.action.actor.id : null;
      const key = {
        ...created.key,
        createdBy: creator,
        ...(input.action ? { lastAction: input.action } : {}),
      };
      const { secret } = created;
      await deps.tenants.addApiKey(key);
      return { apiKey: key, secret };
    },

    getTenant: (tenantId: string) => deps.tenants.getTenant(tenantId),

    /** Sets a tenant's per-second limits (whole numbers, 1–1,000); every bad value is named at once. */
    async setLimits(tenantId: string, limits: Partial<TenantLimits>): Promise<TenantLimits> {
      const problems = Object.entries(limits)
        .filter(
          ([, value]) =>
            !Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_LIMIT_PER_SECOND,
        )
        .map(([name]) => ({
          param: name,
          message: `must be a whole number from 1 to ${MAX_LIMIT_PER_SECOND}`,
        }));
      if (problems.length > 0) throw new ValidationError(problems);
      const tenant = await deps.tenants.getTenant(tenantId);
      if (!tenant) throw new NotFoundError('tenant', tenantId);
      const merged = { ...tenant.limits, ...limits };
      await deps.tenants.setLimits(tenantId, merged);
      return { ...DEFAULT_LIMITS, ...merged };
    },

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
    return {
      tenantId: key.tenantId,
      apiKeyId: key.id,
      mode: key.mode,
      ...(key.createdBy ? { createdBy: key.createdBy } : {}),
    };
  };
}
