import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { tableOf } from '../../shared/adapters/dynamodb/client.js';
import { createDynamoTenantRepository } from '../../shared/adapters/dynamodb/tenant-repository.js';
import { loadConfig } from '../../shared/config.js';
import type { AuthorizerContext } from '../../shared/http/api-handler.js';
import { authenticateApiKeyUseCase } from '../../shared/use-cases/tenants.js';

const authenticate = authenticateApiKeyUseCase({
  tenants: createDynamoTenantRepository(tableOf(loadConfig())),
});

/**
 * HTTP API Lambda authorizer (simple responses). Requests without credentials never reach it (its
 * identity source: API Gateway answers 401 alone). A request with a key is authorized with the key's
 * principal, or with none: the API's middleware then answers 401 `api_key_invalid` in the contract's
 * error format, which an authorizer's own deny (a fixed `403 {"message":"Forbidden"}`) cannot (D46).
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> {
  const principal = await authenticate(event.headers?.authorization);
  return { isAuthorized: true, context: principal ?? {} };
}
