import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoConnectorStore } from '../../shared/adapters/dynamodb/connector-store.js';
import { createDynamoPayoutRepository } from '../../shared/adapters/dynamodb/payout-repository.js';
import { createKmsSecretSealer } from '../../shared/adapters/kms-secret-sealer.js';
import { loadConfig } from '../../shared/config.js';
import { PROVIDER_REGISTRY } from '../../shared/connectors/providers.js';
import { AppError } from '../../shared/domain/errors.js';
import { apiHandler, jsonResponse } from '../../shared/http/api-handler.js';
import { logger } from '../../shared/http/logger.js';
import { connectorCredentials } from '../../shared/use-cases/connectors.js';
import {
  PROVIDER_WEBHOOK_MAX_BYTES,
  receiveProviderWebhookUseCase,
} from '../../shared/use-cases/provider-webhooks.js';
import { connectorRuntimes } from '../../shared/wiring/connectors.js';

const config = loadConfig();
const deps = { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
const store = createDynamoConnectorStore(deps);
const receive = receiveProviderWebhookUseCase({
  registry: PROVIDER_REGISTRY,
  store,
  payouts: createDynamoPayoutRepository(deps),
  credentialsOf: connectorCredentials({
    store,
    sealer: createKmsSecretSealer({ keyId: config.PAYOUTS_CONNECTOR_KEY_ID }),
  }),
  runtimeFor: connectorRuntimes(config, PROVIDER_REGISTRY, { containers: 1 }),
  log: (message, details) => logger.info(message, details),
});

/**
 * POST /v1/provider-webhooks/{connector}/{tenant_id}: a payment provider's status update. No API key:
 * the provider's signature over the raw body, with that tenant's secret, is the authentication.
 */
export const handler = apiHandler({ auth: false }, async (request) => {
  const raw = request.body ?? '';
  const rawBody = request.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(rawBody, 'utf8') > PROVIDER_WEBHOOK_MAX_BYTES)
    throw new AppError('invalid_request_error', 'payload_too_large', 'The webhook body is too large.', {
      statusCode: 413,
    });
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const result = await receive({
    connector: request.pathParameters?.connector ?? '',
    tenantId: request.pathParameters?.tenant_id ?? '',
    request: { headers, rawBody },
  });
  return jsonResponse(200, { received: true, events: result.received });
});
