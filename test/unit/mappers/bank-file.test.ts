import { describe } from 'vitest';
import {
  bankFileMapper,
  bankFileTransferMapper,
  bankLedgerEntryMapper,
} from '../../../shared/adapters/dynamodb/mappers/bank-file.js';
import { itBehavesAsAMapper } from './mapper-contract.js';

describe('bank file items', () => {
  itBehavesAsAMapper(bankFileMapper, {
    value: {
      id: 'bf_1',
      tenantId: 'ten_1',
      slot: '2026-12-02T10',
      executionDate: '2026-12-03',
      status: 'written',
      mode: 'test',
      debtor: { name: 'Acme', iban: 'DE89370400440532013000', bic: null },
      leaseUntil: null,
      claimedAt: '2026-12-02T10:00:00.000Z',
      count: 2,
      controlSumMinor: '30000',
      key: 'ten_1/sepa/bf_1.xml',
      createdAt: '2026-12-02T10:00:00.000Z',
      updatedAt: '2026-12-02T10:01:00.000Z',
      version: 3,
    },
    key: { pk: 'TENANT#ten_1#BANKFILE#bf_1', sk: 'FILE' },
    malformed: { debtor: { name: 'Acme', bic: null } },
    fields: ['debtor.iban'],
  });
});

describe('bank file transfer items', () => {
  itBehavesAsAMapper(bankFileTransferMapper, {
    value: {
      fileId: 'bf_1',
      tenantId: 'ten_1',
      payoutId: 'po_1',
      executionDate: '2026-12-03',
      amount: 10_000,
      creditor: { name: 'Bo', iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPP' },
      remittance: 'inv-1',
    },
    key: { pk: 'TENANT#ten_1#BANKFILE#bf_1', sk: 'TX#2026-12-03#po_1' },
    malformed: { amount: '100.00' },
    fields: ['amount'],
  });
});

describe('bank ledger entry items', () => {
  itBehavesAsAMapper(bankLedgerEntryMapper, {
    value: {
      tenantId: 'ten_1',
      endToEndId: 'e2e-1',
      payoutId: 'po_1',
      kind: 'returned',
      amount: 10_000,
      currency: 'EUR',
      bookingDate: '2026-12-04',
      reasonCode: 'AC04',
      fileKey: 'ten_1/camt/1.xml',
      recordedAt: '2026-12-04T08:00:00.000Z',
    },
    key: { pk: 'TENANT#ten_1#BANKLEDGER#e2e-1', sk: 'returned' },
    malformed: { kind: 'reversed' },
    fields: ['kind'],
  });
});
