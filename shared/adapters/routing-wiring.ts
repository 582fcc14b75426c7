import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../config.js';
import { connectorRouting } from '../use-cases/connectors.js';
import { createDynamoConnectorStore } from './dynamodb/connector-store.js';

/** The tenants' routing rules as the creating functions read them (one GetItem per payout or batch). */
export function routingFromEnvironment(deps: { client: DynamoDBDocumentClient; table: string }) {
  return {
    store: createDynamoConnectorStore(deps),
    sandboxAvailable: loadConfig().PAYOUTS_SANDBOX_RAIL === 'on',
  };
}

/** The router of new payouts (create-payout, inbound payouts, the portal). */
export function routerFromEnvironment(deps: { client: DynamoDBDocumentClient; table: string }) {
  return connectorRouting(routingFromEnvironment(deps));
}
