import type { ApiKey, Tenant } from '../../../ports/tenant-repository.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { listingKey } from '../newest-first.js';
import { actionStampSchema } from './actors.js';
import { count, maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const tenantSchema = z.object({
  id: text,
  name: text,
  status: z.enum(['active', 'disabled']),
  createdAt: text,
  // Set by an operator with an update of this one attribute (`setLimits`), absent until then.
  limits: z.optional(z.object({ createPerSecond: z.optional(count), listPerSecond: z.optional(count) })),
});
true satisfies Exactly<z.output<typeof tenantSchema>, Tenant>;

/** A tenant, listed with every other on gsi1 (the daily report schedule walks them). */
export const tenantMapper = {
  entity: 'tenant',
  toItem: (tenant: Tenant) => ({
    ...keys.tenant(tenant.id),
    gsi1pk: keys.allTenants,
    gsi1sk: listingKey(tenant),
    entity: 'tenant',
    fmt: ITEM_FORMAT,
    ...tenant,
  }),
  fromItem: (raw: Record<string, unknown>): Tenant => parseStored('tenant', tenantSchema, raw),
} satisfies ItemMapper<Tenant>;

const apiKeySchema = z.object({
  id: text,
  tenantId: text,
  name: text,
  mode: z.enum(['test', 'live']),
  hash: text,
  hint: text,
  status: z.enum(['active', 'revoked']),
  createdAt: text,
  createdBy: z.optional(maybeText),
  revokedAt: maybeText,
  lastAction: z.optional(actionStampSchema),
});
true satisfies Exactly<z.output<typeof apiKeySchema>, ApiKey>;

/** An API key, keyed by the hash of its secret (one read authorizes a request), listed per tenant on gsi1. */
export const apiKeyMapper = {
  entity: 'api_key',
  toItem: (key: ApiKey) => ({
    ...keys.apiKey(key.hash),
    gsi1pk: keys.apiKeysOfTenant(key.tenantId),
    gsi1sk: key.id,
    entity: 'api_key',
    fmt: ITEM_FORMAT,
    ...key,
  }),
  fromItem: (raw: Record<string, unknown>): ApiKey => parseStored('api_key', apiKeySchema, raw),
} satisfies ItemMapper<ApiKey>;
