import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoConnectorStore } from '../adapters/dynamodb/connector-store.js';
import { loadConfig } from '../config.js';
import type { ConnectorStore } from '../ports/connector-store.js';
import { connectorRouting } from '../use-cases/connectors.js';

/**
 * The tenants' routing rules as the creating functions read them (one GetItem per payout or batch),
 * on the function's own connector store when it has one.
 */
export function routingFromEnvironment(
  deps: { client: DynamoDBDocumentClient; table: string } | { store: Pick<ConnectorStore, 'get'> },
) {
  return {
    store: 'store' in deps ? deps.store : createDynamoConnectorStore(deps),
    sandboxAvailable: loadConfig().PAYOUTS_SANDBOX_RAIL === 'on',
  };
}

/** The router of new payouts (create-payout, inbound payouts, the portal). */
export function routerFromEnvironment(
  deps: { client: DynamoDBDocumentClient; table: string } | { store: Pick<ConnectorStore, 'get'> },
) {
  return connectorRouting(routingFromEnvironment(deps));
}
