import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { EVENT_BUS } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

// Every receive of every queue hands each message over twice, and the relay dies after a fifth of
// its batches: the inbound channels must still create each requested payout exactly once.
const context = withTestPlatform('inbound-chaos', {
  execution: { duplicateDeliveryRate: 1, relayKillRate: 0.2 },
});

describe('inbound payout requests, every message delivered twice', () => {
  it('creates each payout once: 0 duplicates over 40 events and 40 queue messages', async () => {
    const { platform, tenant } = context;
    const now = new Date().toISOString();
    await platform.adapters.inbound.route(
      tenant.tenantId,
      { kind: 'event_source', value: 'com.chaos.events' },
      now,
    );
    await platform.adapters.inbound.route(
      tenant.tenantId,
      { kind: 'sqs_sender', value: '000000000000' },
      now,
    );
    const requests = Array.from({ length: 80 }, () => {
      const body = payoutBody({ destination: { type: 'email', email: 'chaos@example.com' } });
      return { ...body, idempotency_key: `chaos-${body.reference}` } as Record<string, any>;
    });
    const events = new EventBridgeClient({});
    for (let offset = 0; offset < 40; offset += 10) {
      await events.send(
        new PutEventsCommand({
          Entries: requests.slice(offset, offset + 10).map((detail) => ({
            EventBusName: EVENT_BUS,
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

    const references = new Set(requests.map((request) => request.reference));
    const payouts = await eventually(
      async () => {
        const found: any[] = [];
        let cursor: string | undefined;
        do {
          const page = (
            await tenant.request('GET', `/v1/payouts?limit=100${cursor ? `&starting_after=${cursor}` : ''}`)
          ).body;
          found.push(...page.data);
          cursor = page.has_more ? page.next_cursor : undefined;
        } while (cursor);
        return found.filter((payout) => references.has(payout.reference));
      },
      (found) => found.length === 80 && found.every((payout) => payout.status === 'paid'),
      90_000,
    );
    expect(new Set(payouts.map((payout) => payout.reference)).size).toBe(80);
    expect(payouts.every((payout) => payout.source === 'event')).toBe(true);
    // Nothing was refused: a second copy of a request is a replay, not a rejection.
    const rejected = (await tenant.request('GET', '/v1/events?type=payout.request_rejected')).body.data;
    expect(rejected).toEqual([]);
  }, 120_000);
});
