import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { loadConfig } from '../../shared/config.js';
import type { AuthorizerContext } from '../../shared/http/api-handler.js';
import { authenticateApiKeyUseCase } from '../../shared/use-cases/tenants.js';

const authenticate = authenticateApiKeyUseCase(createDynamoAdapters(loadConfig()));

/**
 * HTTP API Lambda authorizer (simple responses). It always authorizes and passes the principal, or
 * nothing, in the context: the API's middleware answers 401 in the contract's error format, which an
 * authorizer's own deny (a fixed `{"message":"Unauthorized"}`) cannot.
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const principal = await authenticate(event.headers?.authorization);
  return { isAuthorized: true, context: principal ?? {} };
}
