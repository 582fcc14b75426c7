import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../local/dynamodb-local.js';
import type { Payout } from '../../shared/domain/payout.js';
import { createPayoutBody } from '../../shared/schemas/payout-request.js';
import { payoutBatchesUseCase } from '../../shared/use-cases/payout-batches.js';
import {
  countItems,
  eventually,
  payoutBody,
  type TenantClient,
  withTestPlatform,
} from '../helpers/platform.js';
import { newMember } from '../helpers/portal.js';

const context = withTestPlatform('batches');

const createBatch = (client: TenantClient, items: unknown[], key = randomBytes(8).toString('hex')) =>
  client.request('POST', '/v1/payout-batches', { body: { items }, headers: { 'idempotency-key': key } });

// A 250-item batch completes in ~9 s alone, but DynamoDB Local is shared by every test file: beside
// a chaos run it has taken a minute. The deadline catches a hang, not slowness.
const completed = (client: TenantClient, id: string, timeoutMs = 150_000) =>
  eventually(
    async () => (await client.request('GET', `/v1/payout-batches/${id}`)).body,
    (batch) => batch.status === 'completed',
    timeoutMs,
  );

/** Every payout item of the table, as stored (keys included). */
async function storedPayouts(): Promise<(Payout & { gsi1pk: string })[]> {
  const client = localDynamoClient(context.platform.dynamodbEndpoint);
  const found: (Payout & { gsi1pk: string })[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: context.platform.tableName,
        FilterExpression: 'entity = :payout',
        ExpressionAttributeValues: { ':payout': { S: 'payout' } },
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []).map((item) => unmarshall(item) as Payout & { gsi1pk: string }));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return found;
}

describe('payout batches', () => {
  it('expands 250 items in chunks into payouts, counts a reference that already exists as duplicate, and completes with an event', async () => {
    const { tenant } = context;
    const existing = payoutBody();
    expect((await tenant.createPayout(existing)).status).toBe(201);
    const items = Array.from({ length: 250 }, (_, index) =>
      index === 17
        ? { ...existing }
        : index === 40
          ? payoutBody({ destination: { type: 'email', email: 'ada+fail_account_closed@example.com' } })
          : payoutBody({ amount: 100 + index, purpose: 'payroll' }),
    );
    const accepted = await createBatch(tenant, items);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'payout_batch', status: 'accepted', total: 250 });
    expect(accepted.body.id).toMatch(/^pb_/);

    const batch = await completed(tenant, accepted.body.id);
    expect(batch.counts).toEqual({
      pending_approval: 0,
      queued: 0,
      processing: 0,
      paid: 248,
      failed: 1,
      returned: 0,
      rejected: 0,
      expired: 0,
      canceled: 0,
      duplicate: 1,
    });
    expect(batch.expanded).toBe(250);
    expect(batch.completed_at).not.toBeNull();

    const ofBatch = (await storedPayouts()).filter((payout) => payout.batchId === batch.id);
    expect(ofBatch).toHaveLength(249);
    expect(new Set(ofBatch.map((payout) => payout.reference)).size).toBe(249);
    expect(ofBatch.every((payout) => payout.source === 'batch')).toBe(true);
    // The existing payout was neither replaced nor adopted by the batch.
    const original = (await tenant.request('GET', `/v1/payouts?reference=${existing.reference}`)).body.data;
    expect(original).toHaveLength(1);
    expect(original[0]).toMatchObject({ source: 'api', batch_id: null });
    // No hot partition: the batch's payouts are spread over the listing's shards.
    expect(new Set(ofBatch.map((payout) => payout.gsi1pk)).size).toBeGreaterThanOrEqual(6);

    const events = await eventually(
      async () => (await tenant.request('GET', '/v1/events?type=payout_batch.completed')).body.data,
      (data: any[]) => data.length > 0,
    );
    expect(events).toHaveLength(1);
    expect(events[0].data.object).toMatchObject({ id: batch.id, status: 'completed', total: 250 });

    // The listing merges the shards: newest first, every payout once, page after page.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (
        await tenant.request('GET', `/v1/payouts?limit=100${cursor ? `&starting_after=${cursor}` : ''}`)
      ).body;
      seen.push(...page.data.map((payout: any) => payout.id));
      const times = page.data.map((payout: any) => payout.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      cursor = page.has_more ? page.next_cursor : undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(250);
  }, 180_000);

  it('lists every bad item index and stores nothing', async () => {
    const { tenant, platform } = context;
    const before = await countItems(platform);
    const items = [
      payoutBody(),
      payoutBody(),
      payoutBody({ amount: -5 }),
      payoutBody(),
      payoutBody({ reference: 'shared-ref' }),
      payoutBody({ reference: 'shared-ref' }),
      payoutBody(),
      { ...payoutBody(), colour: 'blue' },
      payoutBody({ currency: 'EURO', destination: { type: 'bank_account', iban: 'DE00' } }),
    ];
    const response = await createBatch(tenant, items);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.invalid_items).toEqual([2, 5, 7, 8]);
    const params = response.body.error.details.map((problem: any) => problem.param);
    expect(params).toEqual(
      expect.arrayContaining([
        'items.2.amount',
        'items.5.reference',
        'items.7.colour',
        'items.8.currency',
        'items.8.destination.iban',
      ]),
    );
    expect(response.body.error.message).toContain('4 of 9 items are invalid');

    for (const [body, param] of [
      [{ items: [] }, 'items'],
      [{ items: Array.from({ length: 10_001 }, () => ({})) }, 'items'],
      [{ payouts: [payoutBody()] }, 'payouts'],
      [{}, 'items'],
    ] as const) {
      const refused = await tenant.request('POST', '/v1/payout-batches', {
        body,
        headers: { 'idempotency-key': randomBytes(8).toString('hex') },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((problem: any) => problem.param)).toContain(param);
    }
    const missingKey = await tenant.request('POST', '/v1/payout-batches', {
      body: { items: [payoutBody()] },
    });
    expect(missingKey.body.error.code).toBe('idempotency_key_missing');
    expect(await countItems(platform)).toBe(before);
  });

  it('is idempotent as a whole: the same key replays the first answer, another body with it is refused', async () => {
    const { tenant } = context;
    const items = [payoutBody(), payoutBody()];
    const key = randomBytes(8).toString('hex');
    const first = await createBatch(tenant, items, key);
    const again = await createBatch(tenant, items, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await createBatch(tenant, [payoutBody()], key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    await completed(tenant, first.body.id);
    const ofBatch = (await storedPayouts()).filter((payout) => payout.batchId === first.body.id);
    expect(ofBatch).toHaveLength(2);
    const list = (await tenant.request('GET', '/v1/payout-batches?limit=100')).body;
    expect(list.data.filter((batch: any) => batch.id === first.body.id)).toHaveLength(1);
  }, 180_000);

  it('resumes a chunk whose worker died mid-way: nothing lost, nothing duplicated, counted once', async () => {
    const { tenant, platform } = context;
    let writes = 0;
    const dying = payoutBatchesUseCase({
      ...platform.adapters,
      payouts: {
        ...platform.adapters.payouts,
        async createIfAbsent(payout) {
          writes += 1;
          if (writes > 40) throw new Error('worker killed');
          return platform.adapters.payouts.createIfAbsent(payout);
        },
      },
    });
    const created = await dying.create({
      caller: {
        tenantId: tenant.tenantId,
        actor: { type: 'api_key', id: tenant.apiKeyId },
        sourceIp: null,
        requestId: null,
      },
      idempotencyKey: randomBytes(8).toString('hex'),
      rawBody: {},
      items: Array.from({ length: 100 }, () => createPayoutBody.parse(payoutBody({ purpose: 'payroll' }))),
    });
    const batchId = JSON.parse(created.response.body).id;
    // This worker dies after 40 payouts; the platform's own worker (the relay's expansion message)
    // runs the same chunk, maybe at the same time. Then the dead worker's message is redelivered.
    await expect(dying.expandChunk(tenant.tenantId, batchId, 0)).rejects.toThrow('worker killed');
    const healthy = payoutBatchesUseCase(platform.adapters);
    await healthy.expandChunk(tenant.tenantId, batchId, 0);
    const batch = await completed(tenant, batchId);
    expect(batch.counts.paid).toBe(100);
    expect(batch.counts.duplicate).toBe(0);
    expect(batch.expanded).toBe(100);
    const ofBatch = (await storedPayouts()).filter((payout) => payout.batchId === batchId);
    expect(ofBatch).toHaveLength(100);
  }, 180_000);

  it('keeps tenants apart and answers 404 for an unknown or foreign batch', async () => {
    const { tenant, platform } = context;
    const accepted = await createBatch(tenant, [payoutBody()]);
    const other = await platform.newTenant('Other');
    expect((await other.request('GET', `/v1/payout-batches/${accepted.body.id}`)).status).toBe(404);
    expect((await other.request('GET', '/v1/payout-batches')).body.data).toEqual([]);
    expect((await tenant.request('GET', '/v1/payout-batches/pb_nope')).status).toBe(400);
  });

  it('CLI: checks the file, sends it once, and follows it with a progress bar', async () => {
    const { tenant, platform } = context;
    const dir = mkdtempSync(join(tmpdir(), 'batch-cli-'));
    const run = (file: string) =>
      promisify(execFile)(
        'npx',
        ['tsx', 'cli/payouts.ts', 'batch', 'create', '--file', file, '--api-url', platform.url, '--json'],
        { env: { ...process.env, PAYOUTS_API_KEY: tenant.apiKey } },
      );
    const stamp = Date.now();
    const good = join(dir, 'payroll.csv');
    writeFileSync(
      good,
      [
        'reference,amount,currency,purpose,account_holder_name,iban,email',
        ...Array.from(
          { length: 30 },
          (_, index) => `cli-${stamp}-${index},12.34,EUR,payroll,,,p${index}@example.com`,
        ),
      ].join('\n'),
    );
    const first = await run(good);
    const result = JSON.parse(first.stdout);
    expect(result).toMatchObject({ status: 'completed', total: 30 });
    expect(result.counts.paid).toBe(30);
    expect(first.stderr).toContain(`Batch ${result.id} accepted: 30 payouts, EUR 370.20.`);
    expect(first.stderr).toMatch(/\[█{30}\] 100% 30\/30 · completed · paid 30/);

    // The same file again: the same batch, nothing created twice.
    const again = await run(good);
    expect(JSON.parse(again.stdout).id).toBe(result.id);
    expect(again.stderr).toContain('sent before');

    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'reference,amount,currency,email\nok,1.00,EUR,a@example.com\nbad,1.001,EUR,b@example.com\n',
    );
    const refused = await run(bad).catch((error) => error);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('1 problem(s); nothing was sent');
    expect(refused.stderr).toContain('line 3, amount');
  }, 120_000);

  it('portal: a requester checks a file (lines named), uploads it, and its payouts wait for approval as theirs', async () => {
    const { tenant, platform } = context;
    const requester = await newMember(platform, tenant.tenantId, ['requester']);
    const viewer = await newMember(platform, tenant.tenantId, ['viewer']);
    const stamp = Date.now();
    const bad = 'reference,amount,currency,email\nok,1.00,EUR,a@example.com\nbad,abc,EUR,b@example.com\n';
    const checked = await requester.request('POST', '/payout-batches/check', { body: { csv: bad } });
    expect(checked.status).toBe(200);
    expect(checked.body.problems).toEqual([
      expect.objectContaining({ line: 3, column: 'amount', param: 'items.1.amount' }),
    ]);
    const refused = await requester.request('POST', '/payout-batches', {
      body: { csv: bad },
      headers: { 'idempotency-key': `portal-${stamp}-bad` },
    });
    expect(refused.status).toBe(400);

    const good = [
      'reference,amount,currency,purpose,account_holder_name,iban,email',
      `p-${stamp}-1,10.50,EUR,refund,Ada Lovelace,DE89370400440532013000,`,
      `p-${stamp}-2,7,EUR,refund,,,grace@example.com`,
      `p-${stamp}-3,500,JPY,reward,,,linus@example.com`,
    ].join('\n');
    const preview = (await requester.request('POST', '/payout-batches/check', { body: { csv: good } })).body;
    expect(preview).toMatchObject({ rows: 3, problems: [] });
    expect(preview.totals).toEqual(
      expect.arrayContaining([
        { currency: 'EUR', count: 2, amount: 1750, amount_decimal: '1750', amount_text: 'EUR 17.50' },
        { currency: 'JPY', count: 1, amount: 500, amount_decimal: '500', amount_text: 'JPY 500' },
      ]),
    );
    expect(preview.preview[0]).toMatchObject({
      line: 2,
      payee: 'Ada Lovelace ·· 3000',
      amount: 1050,
      amount_text: 'EUR 10.50',
    });
    expect(
      (
        await viewer.request('POST', '/payout-batches', {
          body: { csv: good },
          headers: { 'idempotency-key': 'v' },
        })
      ).status,
    ).toBe(403);

    const created = await requester.request('POST', '/payout-batches', {
      body: { csv: good },
      headers: { 'idempotency-key': `portal-${stamp}-good` },
    });
    expect(created.status).toBe(202);
    const batch = await eventually(
      async () => (await viewer.request('GET', `/payout-batches/${created.body.id}`)).body,
      (found) => found.counts.pending_approval === 3,
    );
    expect(batch.status).toBe('processing');
    const listed = (await viewer.request('GET', '/payout-batches')).body.data;
    expect(listed.map((entry: any) => entry.id)).toContain(created.body.id);
    const audit = await eventually(
      async () =>
        (await (await newMember(platform, tenant.tenantId, ['admin'])).request('GET', '/audit-log?limit=50'))
          .body.data,
      (entries: any[]) => entries.some((entry) => entry.action === 'payout_batch.create'),
    );
    expect(audit.find((entry: any) => entry.action === 'payout_batch.create').actor).toMatchObject({
      type: 'member',
    });
  });
});
