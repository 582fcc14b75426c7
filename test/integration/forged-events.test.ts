import { createServer, type Server } from 'node:http';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { queueBinding } from '../../shared/config.js';
import { eventIdFor } from '../../shared/domain/events.js';
import { logger } from '../../shared/http/logger.js';
import { EVENT_BUS, EVENT_SOURCE, WEBHOOK_FAN_OUT } from '../../shared/topology.js';
import { eventually, payoutBody, withTestPlatform } from '../helpers/platform.js';

/**
 * A forged platform event must not become a validly signed webhook. On the platform's bus it reaches
 * no webhook at all: the relay offers events to the fan-out queue directly (D80), and no rule of the
 * bus targets it. Put on the fan-out queue itself (someone allowed to send to it), the fan-out reads
 * the event from the tenant's feed by id and refuses one the feed does not hold. In AWS the bus's
 * resource policy refuses `payouts.platform` events from anyone but the platform's publishers, and
 * only the relay and the outbox recovery may send to the queue (test/infra/execution.test.ts).
 */
const context = withTestPlatform('forged-events', { execution: { webhookRetrySchedule: '1,1' } });
const received: string[] = [];
let server: Server;

afterAll(() => {
  server?.closeAllConnections();
  server?.close();
});

async function receiver(): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
}

describe('forged events on the platform bus and the fan-out queue', () => {
  it('a forged payout.paid naming tenant B and a payout that does not exist sends no webhook, and the fan-out says so at ERROR', async () => {
    const victim = await context.platform.newTenant('Victim B');
    const url = await receiver();
    const endpoint = await victim.request('POST', '/v1/webhook-endpoints', {
      body: { url, enabled_events: ['*'] },
    });
    expect(endpoint.status).toBe(201);
    const errors = vi.spyOn(logger, 'error');

    const forgedId = eventIdFor('po_FORGED0000000000000000000', 3, 'payout.paid');
    const onBusId = eventIdFor('po_FORGED0000000000000000000', 4, 'payout.paid');
    const forgedDetail = {
      id: forgedId,
      object: 'event',
      type: 'payout.paid',
      created_at: new Date().toISOString(),
      tenant_id: victim.tenantId,
      data: {
        object: { id: 'po_FORGED0000000000000000000', object: 'payout', status: 'paid', amount: 424_200 },
      },
    };
    // Straight onto the fan-out queue, in the shape the relay sends.
    await new SQSClient({}).send(
      new SendMessageCommand({
        QueueUrl: queueBinding('url', WEBHOOK_FAN_OUT.queue),
        MessageBody: JSON.stringify({
          source: EVENT_SOURCE,
          'detail-type': 'payout.paid',
          detail: forgedDetail,
        }),
      }),
    );
    // And on the bus, where no rule offers it to webhooks.
    await new EventBridgeClient({}).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: EVENT_BUS,
            Source: EVENT_SOURCE,
            DetailType: 'payout.paid',
            Detail: JSON.stringify({ ...forgedDetail, id: onBusId }),
          },
        ],
      }),
    );

    await eventually(
      async () => errors.mock.calls.map(([message]) => String(message)),
      (messages) => messages.some((message) => message.startsWith('Refused an event the feed does not hold')),
      15_000,
    );
    expect(errors.mock.calls.find(([message]) => String(message).startsWith('Refused'))?.[1]).toMatchObject({
      tenantId: victim.tenantId,
      eventId: forgedId,
    });

    // A real payout of B's is still delivered (and only it): the receiver works, the forgery got nothing.
    // By then the bus's copy would long have reached the fan-out had any rule sent it there: it did not.
    const refusedIds = () =>
      errors.mock.calls
        .filter(([message]) => String(message).startsWith('Refused'))
        .map(([, details]) => (details as { eventId?: string }).eventId);
    const real = await victim.createPayout(payoutBody());
    await eventually(
      async () => received.map((body) => JSON.parse(body)),
      (events) =>
        events.some((event) => event.type === 'payout.paid' && event.data.object.id === real.body.id),
      30_000,
    );
    expect(received.some((body) => body.includes('po_FORGED'))).toBe(false);
    expect(refusedIds()).toEqual([forgedId]);
    errors.mockRestore();
  }, 60_000);
});
