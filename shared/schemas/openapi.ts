import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import * as z from '../zod.js';
import { createBatchBody } from './batch-request.js';
import { batchIdParams, batchList, batchResource, listBatchesQuery } from './batches.js';
import { errorBody, idempotencyKey } from './common.js';
import { eventIdParams, eventList, eventResource, listEventsQuery } from './events.js';
import { createPayoutBody } from './payout-request.js';
import { listPayoutsQuery, payoutIdParams, payoutList, payoutResource } from './payouts.js';
import {
  createReconciliationRunBody,
  listReconciliationItemsQuery,
  listReconciliationRunsQuery,
  reconciliationItemList,
  reconciliationItemParams,
  reconciliationItemResource,
  reconciliationRunList,
  reconciliationRunParams,
  reconciliationRunResource,
  resolveReconciliationItemBody,
} from './reconciliation.js';
import { createReportBody, listReportsQuery, reportIdParams, reportList, reportResource } from './reports.js';
import {
  createWebhookEndpointBody,
  deliveryAttemptList,
  endpointIdParams,
  listAttemptsQuery,
  recoverBody,
  updateWebhookEndpointBody,
  webhookEndpointList,
  webhookEndpointResource,
} from './webhooks.js';

const json = (schema: z.ZodMiniType) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(errorBody) });
const authErrors = { '401': error('Missing, invalid or revoked API key') };
/** Creation and listing are limited per tenant per second (`tenants limits`, docs/deploy.md). */
const rateLimited = {
  '429': {
    ...error("`rate_limited`: over the tenant's per-second limit; retry after `Retry-After` seconds"),
    headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' as const } } },
  },
};

/** Every operation of the API, keyed `METHOD path` exactly as the topology's routes. */
export const OPERATIONS: Record<string, ZodOpenApiOperationObject> = {
  'GET /v1/health': {
    operationId: 'getHealth',
    summary: 'Liveness check (no auth)',
    security: [],
    responses: { '200': { description: 'OK', ...json(z.object({ status: z.literal('ok') })) } },
  },
  'GET /v1/openapi.json': {
    operationId: 'getOpenApi',
    summary: 'This document (no auth)',
    security: [],
    responses: { '200': { description: 'OpenAPI 3.1 document' } },
  },
  'POST /v1/provider-webhooks/{connector}/{tenant_id}': {
    operationId: 'receiveProviderWebhook',
    summary:
      "A payment provider's status update (no API key: the provider's signature is the authentication)",
    description:
      "Point each provider's webhooks here (docs/deploy.md): `stripe` (Stripe-Signature), `adyen` (HmacSignature), `paypal` (PayPal's transmission headers, verified with PayPal). The signature is checked with the tenant's secret for that connector before anything is read. The same provider event twice changes nothing the second time; an event for a transfer the platform does not know is recorded and answered 200.",
    security: [],
    requestParams: {
      path: z.object({
        connector: z.enum(['stripe', 'adyen', 'paypal']),
        tenant_id: z.string().check(z.meta({ example: 'ten_01JD7X2Q4M6N8P0R2S4T6V8W0Y' })),
      }),
    },
    requestBody: { content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
    responses: {
      '200': {
        description: 'Received (applied, already seen, or recorded as unmatched)',
        ...json(z.object({ received: z.literal(true), events: z.int() })),
      },
      '400': error('`invalid_signature`: missing, malformed, wrong or stale signature; nothing changed'),
      '404': error('No such connector configured for this tenant'),
      '413': error('Body too large'),
      '503': error(
        '`verification_unavailable`: the provider could not confirm the signature now; it retries',
      ),
    },
  },
  'POST /v1/payouts': {
    operationId: 'createPayout',
    summary: 'Create a payout (idempotent)',
    requestParams: { header: z.object({ 'Idempotency-Key': idempotencyKey }) },
    requestBody: json(createPayoutBody),
    responses: {
      '201': {
        description:
          'Created; a retry with the same key and body replays it with `Idempotent-Replayed: true`',
        ...json(payoutResource),
      },
      '400': error(
        'Invalid body or missing Idempotency-Key (every problem listed in `details`); `unsupported_destination` (`param: destination.type`) when no payout rail configured for the account accepts the destination',
      ),
      ...authErrors,
      ...rateLimited,
      '409': error('`idempotency_key_in_use` or `reference_already_used` (with `payout_id`)'),
      '413': error('Body too large'),
      '422': error('`idempotency_key_reused`: same key, different body'),
    },
  },
  'GET /v1/payouts': {
    operationId: 'listPayouts',
    summary: 'List payouts, newest first',
    requestParams: { query: listPayoutsQuery },
    responses: {
      '200': { description: 'A page of payouts', ...json(payoutList) },
      '400': error('Bad filter'),
      ...authErrors,
      ...rateLimited,
    },
  },
  'GET /v1/payouts/{id}': {
    operationId: 'getPayout',
    summary: 'Retrieve a payout',
    requestParams: { path: payoutIdParams },
    responses: {
      '200': { description: 'The payout', ...json(payoutResource) },
      ...authErrors,
      '404': error('No such payout'),
    },
  },
  'POST /v1/payouts/{id}/cancel': {
    operationId: 'cancelPayout',
    summary: 'Cancel a payout that is pending approval or queued',
    requestParams: { path: payoutIdParams },
    responses: {
      '200': { description: 'The canceled payout', ...json(payoutResource) },
      ...authErrors,
      '404': error('No such payout'),
      '409': error('`payout_not_cancelable`: already processing or final'),
    },
  },
  'GET /v1/events': {
    operationId: 'listEvents',
    summary: 'List events, newest first: the feed to catch up on missed webhooks',
    requestParams: { query: listEventsQuery },
    responses: {
      '200': { description: 'A page of events', ...json(eventList) },
      '400': error('Bad filter'),
      ...authErrors,
      ...rateLimited,
    },
  },
  'GET /v1/events/{id}': {
    operationId: 'getEvent',
    summary: 'Retrieve an event',
    requestParams: { path: eventIdParams },
    responses: {
      '200': { description: 'The event', ...json(eventResource) },
      ...authErrors,
      '404': error('No such event'),
    },
  },
  'POST /v1/payout-batches': {
    operationId: 'createPayoutBatch',
    summary: 'Create up to 10,000 payouts at once (expanded asynchronously)',
    requestBody: json(createBatchBody),
    responses: {
      '202': { description: 'Accepted: poll the batch for its counts', ...json(batchResource) },
      '400': error('Invalid items: `details` names each field, `invalid_items` lists every bad index'),
      ...authErrors,
      ...rateLimited,
      '413': error('Body above 6 MB: split the file into several batches'),
      '422': error('`idempotency_key_reused`'),
    },
  },
  'GET /v1/payout-batches': {
    operationId: 'listPayoutBatches',
    summary: 'List payout batches, newest first',
    requestParams: { query: listBatchesQuery },
    responses: {
      '200': { description: 'A page of batches', ...json(batchList) },
      ...authErrors,
      ...rateLimited,
    },
  },
  'GET /v1/payout-batches/{id}': {
    operationId: 'getPayoutBatch',
    summary: 'Retrieve a payout batch with its counts per status',
    requestParams: { path: batchIdParams },
    responses: {
      '200': { description: 'The batch', ...json(batchResource) },
      ...authErrors,
      '404': error('No such batch'),
    },
  },
  'POST /v1/reports': {
    operationId: 'createReport',
    summary: 'Request a payout report (CSV, generated asynchronously)',
    requestBody: json(createReportBody),
    responses: {
      '202': { description: 'Accepted: poll the report until `status` is `ready`', ...json(reportResource) },
      '400': error('Invalid range or filters'),
      ...authErrors,
    },
  },
  'GET /v1/reports': {
    operationId: 'listReports',
    summary: 'List reports, newest first',
    requestParams: { query: listReportsQuery },
    responses: { '200': { description: 'A page of reports', ...json(reportList) }, ...authErrors },
  },
  'GET /v1/reports/{id}': {
    operationId: 'getReport',
    summary: 'Retrieve a report; once ready, with short-lived download URLs',
    requestParams: { path: reportIdParams },
    responses: {
      '200': { description: 'The report', ...json(reportResource) },
      ...authErrors,
      '404': error('No such report'),
    },
  },
  'POST /v1/reconciliation-runs': {
    operationId: 'createReconciliationRun',
    summary: 'Reconcile one rail and one UTC day against the provider’s own records (asynchronous)',
    requestBody: json(createReconciliationRunBody),
    responses: {
      '202': {
        description: 'Accepted: poll the run until `status` is `completed`',
        ...json(reconciliationRunResource),
      },
      '400': error('A rail the tenant has not set up names `connector`; a bad or future day names `date`'),
      ...authErrors,
    },
  },
  'GET /v1/reconciliation-runs': {
    operationId: 'listReconciliationRuns',
    summary: 'List reconciliation runs, newest first',
    requestParams: { query: listReconciliationRunsQuery },
    responses: { '200': { description: 'A page of runs', ...json(reconciliationRunList) }, ...authErrors },
  },
  'GET /v1/reconciliation-runs/{id}': {
    operationId: 'getReconciliationRun',
    summary: 'Retrieve a run: counts per outcome, totals per currency on both sides, the items CSV link',
    requestParams: { path: reconciliationRunParams },
    responses: {
      '200': { description: 'The run', ...json(reconciliationRunResource) },
      ...authErrors,
      '404': error('No such run'),
    },
  },
  'GET /v1/reconciliation-runs/{id}/items': {
    operationId: 'listReconciliationItems',
    summary:
      'A run’s items, differences first; `outcome` narrows to one; `format=csv`: the filter’s items as they are now (resolutions included) as one CSV file, up to 10,000 rows',
    requestParams: {
      path: reconciliationRunParams,
      query: z.extend(listReconciliationItemsQuery, { format: z.optional(z.literal('csv')) }),
    },
    responses: {
      '200': {
        description: 'A page of items (JSON), or with `format=csv` the items as CSV (text/csv)',
        ...json(reconciliationItemList),
      },
      '400': error('A bad filter or format, or `format=csv` over 10,000 items (names the parameter)'),
      ...authErrors,
      '404': error('No such run'),
    },
  },
  'POST /v1/reconciliation-runs/{id}/items/{item_id}/resolve': {
    operationId: 'resolveReconciliationItem',
    summary: 'Resolve a difference with a note (who and why kept, audited); never changes a payout',
    requestParams: { path: reconciliationItemParams },
    requestBody: json(resolveReconciliationItemBody),
    responses: {
      '200': { description: 'The item with its resolution', ...json(reconciliationItemResource) },
      '400': error('No note, or the difference is already resolved (names `note`)'),
      ...authErrors,
      '404': error('No such run or difference'),
    },
  },
  'POST /v1/webhook-endpoints': {
    operationId: 'createWebhookEndpoint',
    summary: 'Create a webhook endpoint (its signing secret is shown only here)',
    requestBody: json(createWebhookEndpointBody),
    responses: {
      '201': { description: 'Created, with `secret`', ...json(webhookEndpointResource) },
      '400': error('Invalid body; a URL that is not https or resolves to a private address names `url`'),
      ...authErrors,
    },
  },
  'GET /v1/webhook-endpoints': {
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    responses: { '200': { description: 'Endpoints', ...json(webhookEndpointList) }, ...authErrors },
  },
  'GET /v1/webhook-endpoints/{id}': {
    operationId: 'getWebhookEndpoint',
    summary: 'Retrieve a webhook endpoint',
    requestParams: { path: endpointIdParams },
    responses: {
      '200': { description: 'The endpoint', ...json(webhookEndpointResource) },
      ...authErrors,
      '404': error('No such endpoint'),
    },
  },
  'PATCH /v1/webhook-endpoints/{id}': {
    operationId: 'updateWebhookEndpoint',
    summary: 'Update a webhook endpoint (url, events, description, enabled/disabled)',
    requestParams: { path: endpointIdParams },
    requestBody: json(updateWebhookEndpointBody),
    responses: {
      '200': { description: 'The endpoint', ...json(webhookEndpointResource) },
      '400': error('Invalid body'),
      ...authErrors,
      '404': error('No such endpoint'),
    },
  },
  'DELETE /v1/webhook-endpoints/{id}': {
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint',
    requestParams: { path: endpointIdParams },
    responses: { '200': { description: 'Deleted' }, ...authErrors, '404': error('No such endpoint') },
  },
  'POST /v1/webhook-endpoints/{id}/rotate-secret': {
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the signing secret; the old one keeps signing beside the new one for 24 h',
    requestParams: { path: endpointIdParams },
    responses: { '200': { description: '`{secret}`' }, ...authErrors, '404': error('No such endpoint') },
  },
  'GET /v1/webhook-endpoints/{id}/deliveries': {
    operationId: 'listWebhookDeliveryAttempts',
    summary: 'Delivery attempts of an endpoint, newest first (time, status code, latency, error)',
    requestParams: { path: endpointIdParams, query: listAttemptsQuery },
    responses: {
      '200': { description: 'Attempts', ...json(deliveryAttemptList) },
      ...authErrors,
      '404': error('No such endpoint'),
    },
  },
  'POST /v1/webhook-endpoints/{id}/recover': {
    operationId: 'recoverWebhookDeliveries',
    summary: 'Redeliver every failed delivery created since a time',
    requestParams: { path: endpointIdParams },
    requestBody: json(recoverBody),
    responses: {
      '202': { description: 'How many deliveries were queued again' },
      ...authErrors,
      '404': error('No such endpoint'),
    },
  },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const [route, operation] of Object.entries(OPERATIONS)) {
    const [method, path] = route.split(' ') as [string, string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Payouts API',
      version: '1.0.0',
      description: 'Self-hosted serverless payouts platform. Amounts are integers in minor units.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_…' } },
    },
    paths,
  });
}
