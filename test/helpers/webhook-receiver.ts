import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TenantClient } from './platform.js';

/** An event as a webhook endpoint receives it (what the tests read of it). */
export interface DeliveredEvent {
  type: string;
  data: { object: { id: string } };
}

/**
 * A webhook endpoint of `tenant` subscribed to `events`, served on this machine: every event
 * delivered to it is kept in `delivered` (answered 200). `close()` when done.
 */
export async function startWebhookReceiver(tenant: TenantClient, events: readonly string[]) {
  const delivered: DeliveredEvent[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      delivered.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const created = await tenant.request('POST', '/v1/webhook-endpoints', {
    body: {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
      enabled_events: events,
    },
  });
  if (created.status !== 201)
    throw new Error(`webhook endpoint not created: ${JSON.stringify(created.body)}`);
  return { delivered, close: () => server.close() };
}
