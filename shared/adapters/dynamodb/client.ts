import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every adapter uses. The endpoint comes from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB` locally), so handlers carry no local-only code.
 */
export function createDocumentClient(
  client: DynamoDBClient = new DynamoDBClient({}),
): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The document client and table a function's stores share. */
export interface Table {
  client: DynamoDBDocumentClient;
  table: string;
}

/**
 * The table of this deployment on a new document client, once per cold start. A function builds only
 * the stores it uses on it (`createDynamoAdapters` builds all of them, and bundles all of them).
 */
export function tableOf(config: { PAYOUTS_TABLE_NAME: string }): Table {
  return { client: createDocumentClient(), table: config.PAYOUTS_TABLE_NAME };
}
