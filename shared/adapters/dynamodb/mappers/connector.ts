import { CONNECTOR_NAMES, DESTINATION_TYPES, type TenantConnectors } from '../../../domain/connectors.js';
import type { ProviderEventRecord } from '../../../ports/connector-store.js';
import * as z from '../../../zod.js';
import { keys } from '../keys.js';
import { TABLE_DEFINITION } from '../table-definition.js';
import { count, maybeText, text } from './fields.js';
import { type Exactly, ITEM_FORMAT, type ItemMapper, parseStored } from './stored-item.js';

const connectorName = z.enum(CONNECTOR_NAMES);

const configuredConnector = z.object({
  name: connectorName,
  mode: z.enum(['test', 'live']),
  sealedCredentials: text,
  publicFields: z.catchall(z.object({}), text),
  updatedAt: text,
  updatedBy: text,
});

const tenantConnectorsSchema = z.object({
  tenantId: text,
  // One optional attribute per rail: a tenant configures some of them.
  connectors: z.object(
    Object.fromEntries(CONNECTOR_NAMES.map((name) => [name, z.optional(configuredConnector)])) as Record<
      (typeof CONNECTOR_NAMES)[number],
      z.ZodMiniOptional<typeof configuredConnector>
    >,
  ),
  rules: z.array(
    z.object({ destinationType: z.enum(DESTINATION_TYPES), currency: maybeText, connector: connectorName }),
  ),
  defaultConnector: z.nullable(connectorName),
  version: count,
});
true satisfies Exactly<z.output<typeof tenantConnectorsSchema>, TenantConnectors>;

/**
 * A tenant's payout rails (connectors with sealed credentials, routing rules), in the tenant's
 * partition. The item also carries the `lastAction` of its last change (the audit log's source);
 * a read leaves it out, as the rails' type has none.
 */
export const tenantConnectorsMapper = {
  entity: 'tenant_connectors',
  toItem: (rails: TenantConnectors) => ({
    ...keys.tenantConnectors(rails.tenantId),
    entity: 'tenant_connectors',
    fmt: ITEM_FORMAT,
    ...rails,
  }),
  fromItem: (raw: Record<string, unknown>): TenantConnectors =>
    parseStored('tenant_connectors', tenantConnectorsSchema, raw),
} satisfies ItemMapper<TenantConnectors>;

const reference = text;
const providerEventSchema = z.object({
  tenantId: text,
  connector: text,
  eventId: text,
  type: text,
  payoutId: maybeText,
  providerReference: maybeText,
  outcome: z.nullable(
    z.union([
      z.object({
        status: z.literal('paid'),
        providerReference: reference,
        checkAgainAfterSeconds: z.optional(count),
      }),
      z.object({ status: z.literal('pending'), providerReference: reference }),
      z.object({
        status: z.literal('failed'),
        providerReference: reference,
        failureCode: text,
        failureMessage: text,
      }),
      z.object({
        status: z.literal('returned'),
        providerReference: reference,
        returnCode: text,
        returnedAt: text,
      }),
    ]),
  ),
  result: text,
  receivedAt: text,
});
true satisfies Exactly<z.output<typeof providerEventSchema>, ProviderEventRecord>;

/** A provider webhook event, once; it expires (the table's TTL attribute) after `keepDays`. */
export const providerEventMapper = {
  entity: 'provider_event',
  toItem: (record: ProviderEventRecord, keepDays: number) => ({
    ...keys.providerEvent(record.tenantId, record.connector, record.eventId),
    entity: 'provider_event',
    fmt: ITEM_FORMAT,
    ...record,
    [TABLE_DEFINITION.ttlAttribute]: Math.floor(Date.parse(record.receivedAt) / 1000) + keepDays * 86_400,
  }),
  fromItem: (raw: Record<string, unknown>): ProviderEventRecord =>
    parseStored('provider_event', providerEventSchema, raw),
};
