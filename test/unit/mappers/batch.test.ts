import { describe, expect, it } from 'vitest';
import { batchChunkMapper, batchMapper } from '../../../shared/adapters/dynamodb/mappers/batch.js';
import type { BatchChunk } from '../../../shared/domain/batches.js';
import { itBehavesAsAMapper } from './mapper-contract.js';
import { altered, refusal } from './refusal.js';

const counts = {
  pending_approval: 1,
  queued: 2,
  processing: 0,
  paid: 5,
  failed: 1,
  returned: 0,
  rejected: 0,
  expired: 0,
  canceled: 1,
};

describe('payout batch items', () => {
  itBehavesAsAMapper(batchMapper, {
    value: {
      id: 'bat_1',
      tenantId: 'ten_1',
      status: 'completed',
      total: 11,
      chunks: 1,
      expandedChunks: 1,
      created: 10,
      duplicate: 1,
      live: counts,
      final: { ...counts, duplicate: 1 },
      requestedBy: { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' },
      policySource: 'portal',
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T01:00:00.000Z',
      completedAt: '2026-12-01T01:00:00.000Z',
      lastAction: {
        id: 'act_1',
        action: 'payout_batch.create',
        actor: { type: 'api_key', id: 'key_1' },
        at: '2026-12-01T00:00:00.000Z',
        sourceIp: null,
        requestId: null,
      },
      version: 7,
    },
    key: { pk: 'TENANT#ten_1#BATCH#bat_1', sk: 'BATCH' },
    malformed: { live: { ...counts, paid: undefined }, final: { ...counts } },
    fields: ['live.paid', 'final.duplicate'],
  });
});

describe('payout batch chunk items', () => {
  const chunk: BatchChunk = {
    tenantId: 'ten_1',
    batchId: 'bat_1',
    index: 0,
    offset: 0,
    items: [
      {
        amount: 100,
        currency: 'EUR',
        destination: { type: 'email', email: 'bo@example.com' },
        reference: 'r-1',
        purpose: 'payroll',
        description: null,
        metadata: { team: 'ops' },
        connector: 'paypal',
      },
      {
        amount: 200,
        currency: 'EUR',
        destination: { type: 'stripe_account', account: 'acct_1' },
        reference: 'r-2',
        purpose: 'reward',
      },
    ],
    doneAt: null,
    duplicates: [1],
  };

  it('stores the expiry as the TTL attribute and reads the chunk back without it', () => {
    const item = batchChunkMapper.toItem(chunk, 1_800_000_000);

    expect(item).toMatchObject({
      pk: 'TENANT#ten_1#BATCH#bat_1',
      sk: 'CHUNK#00000',
      expires_at: 1_800_000_000,
      fmt: 1,
    });
    expect(batchChunkMapper.fromItem(item)).toEqual(chunk);
    expect(batchChunkMapper.fromItem(altered(item, { fmt: undefined }))).toEqual(chunk);
  });

  it('refuses a chunk whose item has no destination, naming the item', () => {
    const item = altered(batchChunkMapper.toItem(chunk, 1_800_000_000), {
      items: [{ ...chunk.items[0], destination: { type: 'email' } }],
    });

    const error = refusal(() => batchChunkMapper.fromItem(item));

    expect([error.entity, error.pk, error.sk, error.fields]).toEqual([
      'payout_batch_chunk',
      'TENANT#ten_1#BATCH#bat_1',
      'CHUNK#00000',
      ['items.0.destination'],
    ]);
  });
});
