import { randomBytes } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_INBOUND_BUCKET } from '../../local/runtime.js';
import { platformS3Client } from '../../shared/adapters/s3.js';
import { REJECTION_QUEUE } from '../../shared/topology.js';
import { eventually, withTestPlatform } from '../helpers/platform.js';

const context = withTestPlatform('inbound-files');
const PREFIX = `acme-payroll-${randomBytes(3).toString('hex')}`;
const s3 = platformS3Client();

const HEADER = 'reference,amount,currency,purpose,description,account_holder_name,iban,bic,email';
const row = (reference: string, amount = '25.00') =>
  `${reference},${amount},EUR,payroll,December salary,Ada Lovelace,DE89370400440532013000,,`;
const emailRow = (reference: string) => `${reference},12.50,EUR,payroll,December salary,,,,grace@example.com`;
const fileOf = (...rows: string[]) => [HEADER, ...rows].join('\r\n');
const refs = (label: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${label}-${randomBytes(4).toString('hex')}-${index}`);

const drop = (key: string, body: string) =>
  s3.send(
    new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: body, ContentType: 'text/csv' }),
  );

/** The result file beside an upload, parsed (waits for it to appear). */
async function resultOf(key: string): Promise<Record<string, string>[]> {
  const resultKey = key.replace(/\.csv$/, '.result.csv');
  const text = await eventually(
    () =>
      s3
        .send(new GetObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: resultKey }))
        .then((object) => object.Body?.transformToString() ?? '')
        .catch(() => ''),
    (found) => found !== '',
  );
  return parse(text, { columns: true });
}

const byReference = async (reference: string) =>
  (await context.tenant.request('GET', `/v1/payouts?reference=${reference}`)).body.data as any[];

/** Refused files in the rejections queue (read and left there for the next look); never in the DLQ. */
function deadLetters(): any[] {
  const records = context.platform.sqs.receive(REJECTION_QUEUE, 10);
  for (const record of records) context.platform.sqs.changeVisibility(record.receiptHandle, 0);
  expect(context.platform.sqs.depth('inbound-files-dlq').visible).toBe(0);
  return records.map((record) => JSON.parse(record.body));
}

beforeAll(async () => {
  const { platform, tenant } = context;
  expect(
    await platform.adapters.inbound.route(
      tenant.tenantId,
      { kind: 's3_prefix', value: PREFIX },
      new Date().toISOString(),
    ),
  ).toBe(true);
});

describe('payroll files dropped in the inbound bucket', () => {
  it('a CSV under the tenant’s prefix becomes a batch; the result beside it names each row’s payout', async () => {
    const references = refs('pay', 3);
    const key = `${PREFIX}/2026-12/run 1.csv`;
    await drop(key, fileOf(row(references[0]!), emailRow(references[1]!), row(references[2]!, '1800.50')));

    const result = await resultOf(key);
    expect(result.map((line) => [line.line, line.reference, line.outcome])).toEqual([
      ['2', references[0], 'accepted'],
      ['3', references[1], 'accepted'],
      ['4', references[2], 'accepted'],
    ]);
    const batchId = result[0]!.batch_id;
    expect(batchId).toMatch(/^pb_/);
    const batch = await eventually(
      async () => (await context.tenant.request('GET', `/v1/payout-batches/${batchId}`)).body,
      (found) => found.status === 'completed',
    );
    expect(batch).toMatchObject({ total: 3, counts: { paid: 3 } });
    for (const line of result) {
      const [payout] = await byReference(line.reference!);
      expect(payout).toMatchObject({
        id: line.payout_id,
        batch_id: batchId,
        source: 'batch',
        status: 'paid',
      });
    }
    expect((await byReference(references[2]!))[0].amount).toBe(180_050);
  });

  it('the same file again (another name, the same name, a redelivered notification) creates no second payout', async () => {
    const references = refs('again', 2);
    const body = fileOf(row(references[0]!), row(references[1]!));
    const first = `${PREFIX}/again.csv`;
    await drop(first, body);
    const [accepted] = await resultOf(first);

    const renamed = `${PREFIX}/again-copy.csv`;
    await drop(renamed, body);
    const replayed = await resultOf(renamed);
    expect(replayed[0]).toMatchObject({ outcome: 'accepted', batch_id: accepted!.batch_id });
    expect(replayed[0]!.message).toContain(`already accepted as batch ${accepted!.batch_id}`);

    // S3 (or SQS) delivering the first notification once more.
    const object = await s3.send(new GetObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: first }));
    const notification = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: {
            bucket: { name: LOCAL_INBOUND_BUCKET },
            object: { key: first, size: body.length, eTag: object.ETag?.replace(/"/g, '') },
          },
        },
      ],
    };
    await new SQSClient({}).send(
      new SendMessageCommand({
        QueueUrl: context.platform.sqs.queueUrl('inbound-files'),
        MessageBody: JSON.stringify(notification),
      }),
    );
    await drop(first, body);
    // Three more notifications of the same file, each taken and done with.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await eventually(
      async () => context.platform.sqs.depth('inbound-files'),
      (depth) => depth.visible === 0 && depth.inFlight === 0,
    );

    for (const reference of references) {
      const found = await eventually(
        () => byReference(reference),
        (payouts) => payouts.length === 1 && payouts[0].status === 'paid',
      );
      expect(found).toHaveLength(1);
    }
    const batches = (await context.tenant.request('GET', '/v1/payout-batches?limit=100')).body.data as any[];
    expect(batches.filter((batch) => batch.total === 2 && batch.id === accepted!.batch_id)).toHaveLength(1);
    expect(batches.filter((batch) => batch.total === 2)).toHaveLength(1);
  });

  it('an edited file that repeats a paid row marks it duplicate in its result and pays it once', async () => {
    const [kept, added] = refs('edit', 2);
    const first = `${PREFIX}/edit-1.csv`;
    await drop(first, fileOf(row(kept!)));
    await resultOf(first);
    await eventually(
      () => byReference(kept!),
      (found) => found[0]?.status === 'paid',
    );
    const second = `${PREFIX}/edit-2.csv`;
    await drop(second, fileOf(row(kept!, '30.00'), row(added!)));
    const result = await resultOf(second);
    expect(result.map((line) => [line.reference, line.outcome])).toEqual([
      [kept, 'duplicate'],
      [added, 'accepted'],
    ]);
    expect(result[0]!.message).toContain('not paid again');
    await eventually(
      () => byReference(added!),
      (found) => found[0]?.status === 'paid',
    );
    const paid = await byReference(kept!);
    expect(paid).toHaveLength(1);
    expect(paid[0].amount).toBe(2500);
  });

  it('an invalid file creates nothing: each bad row in the result, the reason in the DLQ, and payout.request_rejected', async () => {
    const references = refs('bad', 3);
    const key = `${PREFIX}/bad.csv`;
    await drop(key, fileOf(row(references[0]!), row(references[1]!, 'ten euros'), row(references[2]!)));

    const result = await resultOf(key);
    expect(result.map((line) => [line.line, line.outcome])).toEqual([
      ['2', 'not_created'],
      ['3', 'rejected'],
      ['4', 'not_created'],
    ]);
    expect(result[1]!.message).toContain("amount: must be a number such as 25.00, got 'ten euros'");

    const rejected = await eventually(
      async () =>
        (await context.tenant.request('GET', '/v1/events?type=payout.request_rejected')).body.data as any[],
      (events) => events.some((event) => event.data.object.origin === key),
    );
    expect(rejected.find((event) => event.data.object.origin === key).data.object).toMatchObject({
      channel: 's3',
      reason: { code: 'validation_failed', details: [expect.objectContaining({ param: 'items.1.amount' })] },
    });
    const letters = await eventually(
      async () => deadLetters(),
      (found) => found.some((letter) => letter.request?.key === key),
    );
    expect(letters.find((letter) => letter.request?.key === key)).toMatchObject({
      tenant_id: context.tenant.tenantId,
      channel: 's3',
      reason: { code: 'validation_failed' },
    });
    for (const reference of references) expect(await byReference(reference)).toHaveLength(0);
  });

  it('a file under a prefix no tenant accepts creates nothing and says so, in its result and the DLQ', async () => {
    const [reference] = refs('stray', 1);
    const key = `nobody-${randomBytes(3).toString('hex')}/payroll.csv`;
    await drop(key, fileOf(row(reference!)));
    const [line] = await resultOf(key);
    expect(line).toMatchObject({ outcome: 'rejected' });
    expect(line!.message).toContain(`inbound bucket prefix '${key.split('/')[0]}'`);
    const letters = await eventually(
      async () => deadLetters(),
      (found) => found.some((letter) => letter.request?.key === key),
    );
    expect(letters.find((letter) => letter.request?.key === key)).toMatchObject({
      tenant_id: null,
      reason: { code: 'origin_not_routed' },
    });
    expect(await byReference(reference!)).toHaveLength(0);
  });
});
