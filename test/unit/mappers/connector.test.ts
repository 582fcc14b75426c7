import { describe, expect, it } from 'vitest';
import {
  providerEventMapper,
  tenantConnectorsMapper,
} from '../../../shared/adapters/dynamodb/mappers/connector.js';
import type { ProviderEventRecord } from '../../../shared/ports/connector-store.js';
import { itBehavesAsAMapper } from './mapper-contract.js';
import { altered, refusal } from './refusal.js';

describe('payout rails items', () => {
  itBehavesAsAMapper(tenantConnectorsMapper, {
    value: {
      tenantId: 'ten_1',
      connectors: {
        stripe: {
          name: 'stripe',
          mode: 'live',
          sealedCredentials: 'sealed:abc',
          publicFields: { account: 'acct_1' },
          updatedAt: '2026-12-01T00:00:00.000Z',
          updatedBy: 'usr_1',
        },
      },
      rules: [{ destinationType: 'stripe_account', currency: null, connector: 'stripe' }],
      defaultConnector: 'sandbox',
      version: 2,
    },
    key: { pk: 'TENANT#ten_1', sk: 'CONNECTORS' },
    malformed: { defaultConnector: 'venmo', connectors: { stripe: { name: 'stripe' } } },
    fields: [
      'connectors.stripe.mode',
      'connectors.stripe.sealedCredentials',
      'connectors.stripe.publicFields',
      'connectors.stripe.updatedAt',
      'connectors.stripe.updatedBy',
      'defaultConnector',
    ],
  });
});

describe('provider event items', () => {
  const record: ProviderEventRecord = {
    tenantId: 'ten_1',
    connector: 'adyen',
    eventId: 'evt_9',
    type: 'PAYOUT_RETURNED',
    payoutId: 'po_1',
    providerReference: 'psp_1',
    outcome: {
      status: 'returned',
      providerReference: 'psp_1',
      returnCode: 'account_closed',
      returnedAt: '2026-12-02T00:00:00.000Z',
    },
    result: 'returned',
    receivedAt: '2026-12-02T00:00:00.000Z',
  };

  it('stores the record with its expiry (90 days after receipt) and reads it back', () => {
    const item = providerEventMapper.toItem(record, 90);

    expect(item).toMatchObject({
      pk: 'TENANT#ten_1#PROVIDER_EVENT#adyen#evt_9',
      sk: 'PROVIDER_EVENT',
      expires_at: Date.parse('2026-12-02T00:00:00.000Z') / 1000 + 90 * 86_400,
      fmt: 1,
    });
    expect(providerEventMapper.fromItem(item)).toEqual(record);
    expect(providerEventMapper.fromItem(altered(item, { fmt: undefined }))).toEqual(record);
  });

  it('refuses an outcome that is none of the transfer outcomes', () => {
    const item = altered(providerEventMapper.toItem(record, 90), { outcome: { status: 'returned' } });

    const error = refusal(() => providerEventMapper.fromItem(item));

    expect([error.entity, error.pk, error.sk, error.fields]).toEqual([
      'provider_event',
      'TENANT#ten_1#PROVIDER_EVENT#adyen#evt_9',
      'PROVIDER_EVENT',
      ['outcome'],
    ]);
  });
});
