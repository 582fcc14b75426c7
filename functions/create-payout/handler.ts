import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { coalesceConsistentGets } from '../../shared/adapters/dynamodb/coalesced-gets.js';
import {
  createDynamoIdempotencyStore,
  createDynamoPayoutRepository,
} from '../../shared/adapters/dynamodb/payout-repository.js';
import { createDynamoTeamStore } from '../../shared/adapters/dynamodb/team-store.js';
import { loadConfig } from '../../shared/config.js';
import {
  apiHandler,
  callerOf,
  jsonResponse,
  parse,
  requireIdempotencyKey,
} from '../../shared/http/api-handler.js';
import { idempotencyKey } from '../../shared/schemas/common.js';
import { createPayoutBody } from '../../shared/schemas/payout-request.js';
import { createPayoutUseCase } from '../../shared/use-cases/create-payout.js';
import { rateLimitsFromEnvironment } from '../../shared/wiring/rate-limits.js';
import { routerFromEnvironment } from '../../shared/wiring/routing.js';

// Only the stores this function uses: it stays within the bundle budget. The rails and the policy,
// read at once for each payout, share one BatchGetItem (D81).
const deps = {
  client: coalesceConsistentGets(createDocumentClient()),
  table: loadConfig().PAYOUTS_TABLE_NAME,
};
const createPayout = createPayoutUseCase({
  payouts: createDynamoPayoutRepository(deps),
  idempotency: createDynamoIdempotencyStore(deps),
  team: createDynamoTeamStore(deps),
  route: routerFromEnvironment(deps),
});
const rateLimits = rateLimitsFromEnvironment(deps);

/** POST /v1/payouts */
export const handler = apiHandler(
  { body: {}, rateLimit: { action: 'create', limits: rateLimits } },
  async (request) => {
    const key = requireIdempotencyKey(request, idempotencyKey);
    const body = parse(createPayoutBody, request.json);
    const { response, replayed } = await createPayout({
      tenantId: request.principal.tenantId,
      idempotencyKey: key,
      rawBody: request.json,
      body,
      source: 'api',
      keyMode: request.principal.mode,
      // The key is named in the payout's history; no audit entry per API payout (D78).
      actor: callerOf(request).actor,
    });
    return jsonResponse(
      response.statusCode,
      response.body,
      replayed ? { 'idempotent-replayed': 'true' } : {},
    );
  },
);
