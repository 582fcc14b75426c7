import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '../../local/runtime.js';
import { createDynamoAdapters } from '../../shared/adapters/dynamodb/index.js';
import { tenantAdministration } from '../../shared/use-cases/tenants.js';

export interface TestPlatform extends LocalPlatform {
  adapters: ReturnType<typeof createDynamoAdapters>;
  admin: ReturnType<typeof tenantAdministration>;
  /** Creates a tenant and returns an API client bound to its first key. */
  newTenant(name?: string): Promise<TenantClient>;
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TenantClient {
  tenantId: string;
  apiKeyId: string;
  apiKey: string;
  request<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  createPayout<T = any>(body: unknown, idempotencyKey?: string): Promise<ApiResponse<T>>;
}

/** A unique table name per test file keeps files independent on the shared DynamoDB Local. */
export function uniqueTableName(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Starts the local platform (same handlers, same HTTP layer) on a fresh table of the shared DynamoDB Local. */
export async function startTestPlatform(
  label: string,
  options: Partial<LocalPlatformOptions> = {},
): Promise<TestPlatform> {
  const platform = await startLocalPlatform({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: uniqueTableName(label),
    ...options,
  });
  const adapters = createDynamoAdapters({ PAYOUTS_TABLE_NAME: platform.tableName });
  const admin = tenantAdministration(adapters);
  return {
    ...platform,
    adapters,
    admin,
    async newTenant(name = 'Test tenant') {
      const { tenant, apiKey, secret } = await admin.createTenant({ name });
      return apiClient(platform.url, tenant.id, apiKey.id, secret);
    },
  };
}

export function apiClient(url: string, tenantId: string, apiKeyId: string, apiKey: string): TenantClient {
  const client: TenantClient = {
    tenantId,
    apiKeyId,
    apiKey,
    async request(method, path, options = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(options.body !== undefined || options.rawBody !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
          ...options.headers,
        },
        body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
      };
    },
    createPayout(body, idempotencyKey = randomBytes(8).toString('hex')) {
      return client.request('POST', '/v1/payouts', { body, headers: { 'idempotency-key': idempotencyKey } });
    },
  };
  return client;
}

let counter = 0;
/** A valid create body with a unique reference; override any field. */
export function payoutBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  counter += 1;
  return {
    amount: 1050,
    currency: 'EUR',
    destination: {
      type: 'bank_account',
      account_holder_name: 'Ada Lovelace',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
    },
    reference: `ref-${process.pid}-${Date.now()}-${counter}`,
    purpose: 'refund',
    description: 'Order 8812 refund',
    metadata: { order_id: '8812' },
    ...overrides,
  };
}

/**
 * The items a request can write (idempotency records and payouts): used to prove that bad input
 * stored nothing. Items the asynchronous pipeline writes (events, ledger entries) are not counted.
 */
export async function countItems(platform: LocalPlatform): Promise<number> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const { localDynamoClient } = await import('../../local/dynamodb-local.js');
  const client = localDynamoClient(platform.dynamodbEndpoint);
  let total = 0;
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: platform.tableName,
        Select: 'COUNT',
        FilterExpression: 'entity IN (:payout, :idempotency)',
        ExpressionAttributeValues: { ':payout': { S: 'payout' }, ':idempotency': { S: 'idempotency' } },
        ExclusiveStartKey: start,
      }),
    );
    total += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return total;
}

/**
 * Registers hooks that start a test platform for this file and stop it after; the returned object's
 * fields are filled in `beforeAll`.
 */
export function withTestPlatform(
  label: string,
  options: Partial<LocalPlatformOptions> = {},
): { platform: TestPlatform; tenant: TenantClient } {
  const context = {} as { platform: TestPlatform; tenant: TenantClient };
  beforeAll(async () => {
    context.platform = await startTestPlatform(label, options);
    context.tenant = await context.platform.newTenant();
  });
  afterAll(() => context.platform?.stop());
  return context;
}

/** Polls `read` until `done` holds (or fails the test after `timeoutMs`, showing the last value). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
