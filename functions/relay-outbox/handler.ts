import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { approvalWorkflowFromEnvironment } from '../../shared/adapters/approval-wiring.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { createEventBridgePublisher } from '../../shared/adapters/eventbridge-publisher.js';
import { loadConfig } from '../../shared/config.js';
import type { PayoutBatch } from '../../shared/domain/batches.js';
import type { Payout } from '../../shared/domain/payout.js';
import type { Report } from '../../shared/domain/reports.js';
import type { WebhookEndpoint } from '../../shared/domain/webhooks.js';
import { logger } from '../../shared/http/logger.js';
import type { InboundRejection } from '../../shared/ports/inbound-store.js';
import { EVENT_SOURCE, RELAYED_ENTITIES } from '../../shared/topology.js';
import { payoutBatchesUseCase } from '../../shared/use-cases/payout-batches.js';
import {
  type AuditedChange,
  type BatchChange,
  type EndpointChange,
  type PayoutChange,
  type ReportChange,
  relayOutboxUseCase,
} from '../../shared/use-cases/relay-outbox.js';

const config = loadConfig();
const adapters = createDynamoAdapters(config);
const relay = relayOutboxUseCase({
  events: adapters.events,
  audit: adapters.audit,
  publisher: createEventBridgePublisher({ busName: config.PAYOUTS_EVENT_BUS_NAME, source: EVENT_SOURCE }),
  workflow: approvalWorkflowFromEnvironment(),
  batches: payoutBatchesUseCase(adapters),
});

type Image = Record<string, AttributeValue> | undefined;
/** The item of an image if it is of `entity`, without its keys. */
function itemIn<T>(image: Image, entity: string): T | undefined {
  if (!image) return undefined;
  const item = unmarshall(image);
  if (item.entity !== entity) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...rest } = item;
  return rest as T;
}

/**
 * Table stream → events feed + EventBridge. A failure throws, so the batch is delivered again
 * (bisected, in AWS) until it passes or goes to the stream's DLQ; every step is idempotent.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const changes: (PayoutChange | EndpointChange)[] = [];
  const audited: AuditedChange[] = [];
  const reports: ReportChange[] = [];
  const batches: BatchChange[] = [];
  const rejections: InboundRejection[] = [];
  for (const record of event.Records) {
    const [oldImage, newImage] = [record.dynamodb?.OldImage as Image, record.dynamodb?.NewImage as Image];
    if (newImage) {
      const after = unmarshall(newImage);
      if (RELAYED_ENTITIES.includes(after.entity))
        audited.push({ before: oldImage && unmarshall(oldImage), after });
    }
    const payout = itemIn<Payout>(newImage, 'payout');
    if (payout) changes.push({ before: itemIn<Payout>(oldImage, 'payout'), after: payout });
    const report = itemIn<Report>(newImage, 'report');
    if (report) reports.push({ kind: 'report', before: itemIn<Report>(oldImage, 'report'), after: report });
    const batch = itemIn<PayoutBatch>(newImage, 'payout_batch');
    if (batch)
      batches.push({
        kind: 'payout_batch',
        before: itemIn<PayoutBatch>(oldImage, 'payout_batch'),
        after: batch,
      });
    // A rejection is written once (a conditional put): only its first write is announced.
    const rejection = itemIn<InboundRejection>(newImage, 'payout_request_rejection');
    if (rejection && !oldImage) rejections.push(rejection);
    const endpoint = itemIn<WebhookEndpoint>(newImage, 'webhook_endpoint');
    if (endpoint)
      changes.push({
        kind: 'webhook_endpoint',
        before: itemIn<WebhookEndpoint>(oldImage, 'webhook_endpoint'),
        after: endpoint,
      });
  }
  const events = await relay(changes, audited, reports, batches, rejections);
  if (events.length > 0)
    logger.info('Relayed events', { records: event.Records.length, events: events.length });
}
