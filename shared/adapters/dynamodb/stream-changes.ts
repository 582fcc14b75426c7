import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { InboundRejection } from '../../ports/inbound-store.js';
import { RELAYED_ENTITIES } from '../../topology-constants.js';
import type {
  AuditedChange,
  BatchChange,
  EndpointChange,
  PayoutChange,
  ReconciliationChange,
  RelayBatch,
  ReportChange,
} from '../../use-cases/relay-outbox.js';
import { batchMapper } from './mappers/batch.js';
import { inboundRejectionMapper } from './mappers/inbound.js';
import { payoutMapper } from './mappers/payout.js';
import { reconciliationRunMapper } from './mappers/reconciliation.js';
import { reportMapper } from './mappers/report.js';
import type { ItemMapper } from './mappers/stored-item.js';
import { webhookEndpointMapper } from './mappers/webhook.js';

type Image = Record<string, AttributeValue> | undefined;

/** The value of an image if it is an item of the mapper's entity, read through the mapper. */
function valueIn<T>(image: Image, mapper: ItemMapper<T>): T | undefined {
  if (!image) return undefined;
  const item = unmarshall(image);
  return item.entity === mapper.entity ? mapper.fromItem(item) : undefined;
}

/**
 * Table stream records → the relay's input, sorted by kind. Used by the relay (Lambda's stream
 * batches) and by the outbox recovery (records re-read from the stream for a DLQ'd range).
 */
export function relayBatchOf(records: readonly DynamoDBRecord[]): RelayBatch {
  const changes: (PayoutChange | EndpointChange)[] = [];
  const audited: AuditedChange[] = [];
  const reports: ReportChange[] = [];
  const batches: BatchChange[] = [];
  const rejections: InboundRejection[] = [];
  const reconciliations: ReconciliationChange[] = [];
  for (const record of records) {
    const [oldImage, newImage] = [record.dynamodb?.OldImage as Image, record.dynamodb?.NewImage as Image];
    if (newImage) {
      const after = unmarshall(newImage);
      if (RELAYED_ENTITIES.includes(after.entity))
        audited.push({ before: oldImage && unmarshall(oldImage), after });
    }
    const payout = valueIn(newImage, payoutMapper);
    if (payout) changes.push({ kind: 'payout', before: valueIn(oldImage, payoutMapper), after: payout });
    const report = valueIn(newImage, reportMapper);
    if (report) reports.push({ kind: 'report', before: valueIn(oldImage, reportMapper), after: report });
    const batch = valueIn(newImage, batchMapper);
    if (batch) batches.push({ kind: 'payout_batch', before: valueIn(oldImage, batchMapper), after: batch });
    const run = valueIn(newImage, reconciliationRunMapper);
    if (run)
      reconciliations.push({
        kind: 'reconciliation_run',
        before: valueIn(oldImage, reconciliationRunMapper),
        after: run,
      });
    // A rejection is written once (a conditional put): only its first write is announced.
    const rejection = valueIn(newImage, inboundRejectionMapper);
    if (rejection && !oldImage) rejections.push(rejection);
    const endpoint = valueIn(newImage, webhookEndpointMapper);
    if (endpoint)
      changes.push({
        kind: 'webhook_endpoint',
        before: valueIn(oldImage, webhookEndpointMapper),
        after: endpoint,
      });
  }
  return { changes, audited, reports, batches, rejections, reconciliations };
}
