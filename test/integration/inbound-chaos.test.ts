import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT, LOCAL_ROLE_ID } from '../../local/aws/local-identity.js';
import { LOCAL_INBOUND_BUCKET } from '../../local/runtime.js';
import { platformS3Client } from '../../shared/adapters/s3.js';
import { eventOrigin, senderOrigin } from '../../shared/ports/inbound-store.js';
import { INBOUND_EVENT_BUS } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

// Every receive of every queue hands each message over twice, and the relay dies after a fifth of
// its batches: the inbound channels must still create each requested payout exactly once.
const context = withTestPlatform('inbound-chaos', {
  execution: { duplicateDeliveryRate: 1, relayKillRate: 0.2 },
});

describe('inbound payout requests, every message delivered twice', () => {
  it('creates each payout once: 0 duplicates over 40 events, 40 queue messages and 2 payroll files (one dropped twice)', async () => {
    const { platform, tenant } = context;
    const now = new Date().toISOString();
    await platform.adapters.inbound.route(
      tenant.tenantId,
      eventOrigin(LOCAL_ACCOUNT, 'com.chaos.events'),
      now,
    );
    await platform.adapters.inbound.route(tenant.tenantId, senderOrigin(LOCAL_ROLE_ID), now);
    await platform.adapters.inbound.route(tenant.tenantId, { kind: 's3_prefix', value: 'chaos' }, now);
    const requests = Array.from({ length: 80 }, () => {
      const body = payoutBody({ destination: { type: 'email', email: 'chaos@example.com' } });
      return { ...body, idempotency_key: `chaos-${body.reference}` } as Record<string, any>;
    });
    const events = new EventBridgeClient({});
    for (let offset = 0; offset < 40; offset += 10) {
      await events.send(
        new PutEventsCommand({
          Entries: requests.slice(offset, offset + 10).map((detail) => ({
            EventBusName: INBOUND_EVENT_BUS,
            Source: 'com.chaos.events',
            DetailType: 'Payout Requested',
            Detail: JSON.stringify(detail),
          })),
        }),
      );
    }
    const sqs = new SQSClient({});
    for (let offset = 40; offset < 80; offset += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: platform.sqs.queueUrl('inbound-requests'),
          Entries: requests.slice(offset, offset + 10).map((body, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(body),
          })),
        }),
      );
    }

    // Two payroll files of 20 rows; the first is dropped again under another name.
    const fileRows = Array.from({ length: 40 }, () => payoutBody().reference as string);
    const csv = (rows: string[]) =>
      [
        'reference,amount,currency,email',
        ...rows.map((reference) => `${reference},5.00,EUR,chaos@example.com`),
      ].join('\n');
    const s3 = platformS3Client();
    for (const [key, rows] of [
      ['chaos/a.csv', fileRows.slice(0, 20)],
      ['chaos/b.csv', fileRows.slice(20)],
      ['chaos/a-again.csv', fileRows.slice(0, 20)],
    ] as const)
      await s3.send(new PutObjectCommand({ Bucket: LOCAL_INBOUND_BUCKET, Key: key, Body: csv([...rows]) }));

    const references = new Set([...requests.map((request) => request.reference), ...fileRows]);
    const payouts = await eventually(
      async () => {
        const found: any[] = [];
        let cursor: string | undefined;
        do {
          const response = await tenant.request(
            'GET',
            `/v1/payouts?limit=100${cursor ? `&starting_after=${cursor}` : ''}`,
          );
          // A listing that ran past its function's 10 s on the shared, busy DynamoDB Local (it happened
          // once in CI) is asked again on the next round; the deadline below still catches a hang.
          if (response.status !== 200) return [];
          const page = response.body;
          found.push(...page.data);
          cursor = page.has_more ? page.next_cursor : undefined;
        } while (cursor);
        return found.filter((payout) => references.has(payout.reference));
      },
      (found) => found.length === 120 && found.every((payout) => payout.status === 'paid'),
      // ~10 s alone, over a minute beside other files on the shared DynamoDB Local: a hang fails, not slowness.
      180_000,
    );
    expect(new Set(payouts.map((payout) => payout.reference)).size).toBe(120);
    expect(payouts.filter((payout) => payout.source === 'event')).toHaveLength(80);
    expect(payouts.filter((payout) => payout.source === 'batch')).toHaveLength(40);
    // Three drops, six or more notifications: two batches.
    const batches = (await tenant.request('GET', '/v1/payout-batches')).body.data as any[];
    expect(batches.map((batch) => batch.total)).toEqual([20, 20]);
    // Nothing was refused: a second copy of a request is a replay, not a rejection.
    const rejected = (await tenant.request('GET', '/v1/events?type=payout.request_rejected')).body.data;
    expect(rejected).toEqual([]);
  }, 240_000);
});
