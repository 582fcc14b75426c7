/**
 * Key layout of the single table: every item's keys are built here and nowhere else.
 *
 * | item              | pk                                   | sk            | gsi1pk                  | gsi1sk        | access pattern                           |
 * |-------------------|--------------------------------------|---------------|-------------------------|---------------|------------------------------------------|
 * | tenant            | TENANT#{tenantId}                    | TENANT        |                         |               | get tenant                               |
 * | API key           | APIKEY#{sha256(key)}                 | APIKEY        | TENANT#{tenantId}#KEYS  | {keyId}       | authorize a request; list a tenant's keys |
 * | payout            | TENANT#{tenantId}#PAYOUT#{payoutId}  | PAYOUT        | TENANT#{tenantId}#PAYOUTS | {payoutId}  | get (tenant-scoped by construction); list newest first |
 * | reference guard   | TENANT#{tenantId}#REF#{reference}    | REF           |                         |               | unique reference per tenant; filter by reference |
 * | idempotency key   | TENANT#{tenantId}#IDEM#{key}         | IDEM          |                         |               | replay / conflict decisions (strongly consistent) |
 * | event (outbox)    | TENANT#{tenantId}#EVENT#{eventId}    | EVENT         | TENANT#{tenantId}#EVENTS | {eventId}    | stream → relay; events feed              |
 *
 * Payout and event ids are ULIDs (`po_…`, `evt_…`), so sorting by id sorts by creation time and the id
 * itself is the list cursor. Putting the tenant in every partition key means a read can only ever
 * reach the caller's own items.
 */
export const keys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  apiKeysOfTenant: (tenantId: string) => `TENANT#${tenantId}#KEYS`,
  payout: (tenantId: string, payoutId: string) => ({
    pk: `TENANT#${tenantId}#PAYOUT#${payoutId}`,
    sk: 'PAYOUT',
  }),
  payoutsOfTenant: (tenantId: string) => `TENANT#${tenantId}#PAYOUTS`,
  reference: (tenantId: string, reference: string) => ({
    pk: `TENANT#${tenantId}#REF#${reference}`,
    sk: 'REF',
  }),
  idempotency: (tenantId: string, key: string) => ({ pk: `TENANT#${tenantId}#IDEM#${key}`, sk: 'IDEM' }),
  event: (tenantId: string, eventId: string) => ({ pk: `TENANT#${tenantId}#EVENT#${eventId}`, sk: 'EVENT' }),
  eventsOfTenant: (tenantId: string) => `TENANT#${tenantId}#EVENTS`,
} as const;

export const GSI1 = 'gsi1';
