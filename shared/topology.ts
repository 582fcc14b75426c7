/**
 * The platform's topology, declared once: functions, their routes, and (in later issues) queues,
 * rules and state machines. The CDK stack (infra/) and the local runtime (local/) are both built from
 * these entries, so what runs on a laptop is what deploys. Pure data: no CDK or SDK imports.
 */

export interface FunctionSpec {
  /** Folder under functions/ holding `handler.ts`; also the function's logical name. */
  name: string;
  description: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Table access this function needs (least privilege). */
  table?: 'read' | 'read-write';
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/payouts/{id}`. */
  path: string;
  function: string;
  /** Routes with `auth: false` skip the API key authorizer. */
  auth: boolean;
}

export const AUTHORIZER_FUNCTION = 'api-authorizer';
/** Answers every request that matches no route (the HTTP API's `$default` route). */
export const NOT_FOUND_FUNCTION = 'route-not-found';

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: AUTHORIZER_FUNCTION, description: 'Resolves an API key to its tenant', table: 'read' },
  { name: 'create-payout', description: 'POST /v1/payouts', table: 'read-write' },
  { name: 'get-payout', description: 'GET /v1/payouts/{id}', table: 'read' },
  { name: 'list-payouts', description: 'GET /v1/payouts', table: 'read' },
  { name: 'cancel-payout', description: 'POST /v1/payouts/{id}/cancel', table: 'read-write' },
  { name: 'get-health', description: 'GET /v1/health' },
  { name: 'get-openapi', description: 'GET /v1/openapi.json' },
  { name: NOT_FOUND_FUNCTION, description: 'Unknown routes ($default)' },
];

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/v1/health', function: 'get-health', auth: false },
  { method: 'GET', path: '/v1/openapi.json', function: 'get-openapi', auth: false },
  { method: 'POST', path: '/v1/payouts', function: 'create-payout', auth: true },
  { method: 'GET', path: '/v1/payouts', function: 'list-payouts', auth: true },
  { method: 'GET', path: '/v1/payouts/{id}', function: 'get-payout', auth: true },
  { method: 'POST', path: '/v1/payouts/{id}/cancel', function: 'cancel-payout', auth: true },
];

export function functionSpec(name: string): FunctionSpec {
  const spec = FUNCTIONS.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`Unknown function '${name}' in topology`);
  return spec;
}

/** Path of a function's handler module, relative to the repository root. */
export function handlerEntry(name: string): string {
  return `functions/${functionSpec(name).name}/handler.ts`;
}
