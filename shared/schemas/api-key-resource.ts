import type { ApiKey } from '../ports/tenant-repository.js';

/** An API key as the portal lists it: its hint, never the key. */
export function toApiKeyResource(key: ApiKey) {
  return {
    id: key.id,
    object: 'api_key' as const,
    name: key.name,
    mode: key.mode,
    hint: key.hint,
    status: key.status,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}
