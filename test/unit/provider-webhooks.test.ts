import { describe, expect, it } from 'vitest';
import {
  type Connector,
  type ProviderWebhookEvent,
  type ProviderWebhookRequest,
  WebhookVerificationError,
} from '../../shared/connectors/connector.js';
import type { TenantConnectors } from '../../shared/domain/connectors.js';
import { AppError, ConcurrentModificationError } from '../../shared/domain/errors.js';
import { takeLease } from '../../shared/domain/execution.js';
import { newPayout, type Payout } from '../../shared/domain/payout.js';
import type { ConnectorStore, ProviderEventRecord } from '../../shared/ports/connector-store.js';
import { ProviderAuthenticationError, ProviderUnavailableError } from '../../shared/ports/payout-provider.js';
import type { PayoutRepository } from '../../shared/ports/payout-repository.js';
import type { SecretSealer } from '../../shared/ports/secret-sealer.js';
import { type ConnectorRegistry, connectorCredentials } from '../../shared/use-cases/connectors.js';
import { receiveProviderWebhookUseCase } from '../../shared/use-cases/provider-webhooks.js';
import * as z from '../../shared/zod.js';

const T0 = Date.parse('2026-12-02T09:00:00.000Z');
const RECEIVED = T0 + 60_000;
const CREDENTIALS = { secret_key: 'sk_test_key', webhook_secret: 'whsec_secret' };

/** Seals by wrapping; opens only under the context it was sealed with. */
const sealer: SecretSealer = {
  seal: async (plaintext, context) => JSON.stringify({ plaintext, context }),
  async open(sealed, context) {
    const box = JSON.parse(sealed) as { plaintext: string; context: unknown };
    if (JSON.stringify(box.context) !== JSON.stringify(context)) throw new Error('wrong context');
    return box.plaintext;
  },
};

/** ten_A has Stripe configured; ten_B has nothing. */
async function memoryConnectorStore() {
  const config: TenantConnectors = {
    tenantId: 'ten_A',
    connectors: {
      stripe: {
        name: 'stripe',
        mode: 'test',
        sealedCredentials: await sealer.seal(JSON.stringify(CREDENTIALS), {
          tenant_id: 'ten_A',
          connector: 'stripe',
        }),
        publicFields: {},
        updatedAt: new Date(T0).toISOString(),
        updatedBy: 'Ada',
      },
    },
    rules: [],
    defaultConnector: 'stripe',
    version: 1,
  };
  const events = new Map<string, ProviderEventRecord>();
  const key = (tenantId: string, connector: string, eventId: string) => `${tenantId}/${connector}/${eventId}`;
  const control = { onRecord: undefined as ((record: ProviderEventRecord) => void) | undefined };
  const store: ConnectorStore = {
    get: async (tenantId) => (tenantId === 'ten_A' ? structuredClone(config) : undefined),
    async save() {
      throw new Error('the provider webhook never changes the rails');
    },
    async recordProviderEvent(record) {
      control.onRecord?.(record);
      const at = key(record.tenantId, record.connector, record.eventId);
      if (events.has(at)) return false;
      events.set(at, record);
      return true;
    },
    getProviderEvent: async (tenantId, connector, eventId) => events.get(key(tenantId, connector, eventId)),
  };
  return { store, events, recording: control };
}

/** Payouts in memory; a write is conditioned on the version read; `failNextWrite` breaks one write. */
function memoryPayouts(...initial: Payout[]) {
  const rows = new Map(initial.map((payout) => [`${payout.tenantId}/${payout.id}`, payout]));
  const control = { failNextWrite: undefined as Error | undefined, writes: 0 };
  const payouts = {
    get: async (tenantId: string, id: string) => rows.get(`${tenantId}/${id}`),
    async transition({ current, next }: { current: Payout; next: Payout }) {
      const failure = control.failNextWrite;
      control.failNextWrite = undefined;
      if (failure) throw failure;
      const key = `${current.tenantId}/${current.id}`;
      if (rows.get(key)?.version !== current.version) throw new ConcurrentModificationError('changed');
      rows.set(key, next);
      control.writes += 1;
    },
  } as unknown as PayoutRepository;
  return { payouts, writes: control, stored: (id: string) => rows.get(`ten_A/${id}`)! };
}

/** A Stripe stand-in whose verifyWebhook answers what the test says, recording what it was given. */
function fakeStripe() {
  const verify = {
    answer: async (): Promise<ProviderWebhookEvent[]> => [],
    calls: [] as { request: ProviderWebhookRequest; credentials: Record<string, string> }[],
  };
  const connector: Connector = {
    name: 'stripe',
    label: 'Fake Stripe',
    destinationTypes: ['stripe_account'],
    credentials: z.object({ secret_key: z.string(), webhook_secret: z.string() }),
    publicFields: [],
    baseUrls: { test: 'https://test.provider.test', live: 'https://live.provider.test' },
    defaultRatePerSecond: 10,
    provider() {
      throw new Error('the provider webhook makes no transfer');
    },
    async verifyWebhook(request, credentials) {
      verify.calls.push({ request, credentials });
      return verify.answer();
    },
  };
  return { registry: { stripe: connector } as ConnectorRegistry, verify };
}

function payout(id: string, connector: string | null): Payout {
  const queued = newPayout({
    id,
    tenantId: 'ten_A',
    request: {
      amount: 2500,
      currency: 'EUR',
      destination: { type: 'stripe_account', account: 'acct_1' },
      reference: `ref-${id}`,
      purpose: 'refund',
    },
    source: 'api',
    now: new Date(T0).toISOString(),
    connector,
  });
  return takeLease(queued, T0, 30);
}

/** A payout waiting on its pending Stripe transfer `tr_1`. */
const pending = { ...payout('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y', 'stripe'), providerReference: 'tr_1' };

const paidEvent = (overrides: Partial<ProviderWebhookEvent> = {}): ProviderWebhookEvent => ({
  eventId: 'evt_1',
  type: 'transfer.paid',
  payoutId: 'po_01JD7X2Q4M6N8P0R2S4T6V8W0Y',
  providerReference: 'tr_1',
  outcome: { status: 'paid', providerReference: 'tr_1' },
  ...overrides,
});

async function setup(...payouts: Payout[]) {
  const connectors = await memoryConnectorStore();
  const memory = memoryPayouts(...(payouts.length ? payouts : [pending]));
  const stripe = fakeStripe();
  const logged: string[] = [];
  const receive = receiveProviderWebhookUseCase({
    registry: stripe.registry,
    store: connectors.store,
    payouts: memory.payouts,
    credentialsOf: connectorCredentials({ store: connectors.store, sealer }),
    runtimeFor: (_name, mode) => ({
      baseUrl: `https://${mode}.provider.test`,
      timeoutMs: 1000,
      limiter: { take: async () => undefined },
    }),
    log: (message) => void logged.push(message),
    now: () => RECEIVED,
  });
  const request: ProviderWebhookRequest = {
    headers: { 'stripe-signature': 't=1,v1=abc' },
    rawBody: '{"id":"evt_1"}',
  };
  const deliver = (input: { connector?: string; tenantId?: string } = {}) =>
    receive({ connector: input.connector ?? 'stripe', tenantId: input.tenantId ?? 'ten_A', request });
  return { ...connectors, ...memory, ...stripe, receive, deliver, request, logged };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('receiveProviderWebhookUseCase', () => {
  it('verifies with the tenant’s opened credentials and applies the outcome to the payout', async () => {
    const { deliver, verify, stored, request } = await setup();
    verify.answer = async () => [paidEvent()];

    const result = await deliver();

    expect(result).toEqual({ received: 1, results: ['paid'] });
    expect(verify.calls).toEqual([{ request, credentials: CREDENTIALS }]);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toMatchObject({
      status: 'paid',
      providerReference: 'tr_1',
      connector: 'stripe',
    });
  });

  it('answers the same 404 for an unknown connector, a connector not in the registry, a bad tenant id or a tenant without it', async () => {
    const { deliver, verify } = await setup();
    const attempts = [
      { connector: 'venmo' },
      { connector: 'sandbox' },
      { connector: 'adyen' },
      { tenantId: 'not-a-tenant' },
      { tenantId: 'ten_B' },
    ];

    for (const attempt of attempts) {
      const error = await rejection(deliver(attempt));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        type: 'not_found_error',
        statusCode: 404,
        message: 'No such provider webhook endpoint.',
      });
    }
    expect(verify.calls).toEqual([]);
  });

  it('a bad signature is 400 invalid_signature, and nothing is read, changed or recorded', async () => {
    const { deliver, verify, stored, events, writes } = await setup();
    verify.answer = async () => {
      throw new WebhookVerificationError('no v1 signature matches');
    };

    const error = await rejection(deliver());

    expect(error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_signature',
      statusCode: 400,
    });
    expect((error as Error).message).toContain('no v1 signature matches');
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toBe(pending);
    expect(events.size).toBe(0);
    expect(writes.writes).toBe(0);
  });

  it('a provider that cannot confirm the signature now is 503 with its Retry-After (60 s when it gave none)', async () => {
    const { deliver, verify, events } = await setup();
    const cases: [Error, string][] = [
      [new ProviderUnavailableError(503, 30), '30'],
      [new ProviderUnavailableError(502), '60'],
      [new ProviderAuthenticationError(401), '60'],
    ];

    for (const [failure, retryAfter] of cases) {
      verify.answer = async () => {
        throw failure;
      };
      const error = await rejection(deliver());
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ statusCode: 503, headers: { 'Retry-After': retryAfter } });
    }
    expect(events.size).toBe(0);
  });

  it('an event seen before changes nothing', async () => {
    const { deliver, verify, stored, events } = await setup();
    verify.answer = async () => [paidEvent()];
    await deliver();
    const once = stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y');
    // The same event id again, even claiming something else now.
    verify.answer = async () => [
      paidEvent({
        outcome: {
          status: 'returned',
          providerReference: 'tr_1',
          returnCode: 'account_closed',
          returnedAt: '2026-12-03T00:00:00.000Z',
        },
      }),
    ];

    const result = await deliver();

    expect(result.results).toEqual(['duplicate']);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toBe(once);
    expect([...events.values()].map((event) => event.result)).toEqual(['paid']);
  });

  it('an event for no payout of ours is recorded unmatched', async () => {
    const { deliver, verify, events, writes } = await setup();
    verify.answer = async () => [
      paidEvent({ eventId: 'evt_unknown', payoutId: 'po_unknown' }),
      paidEvent({ eventId: 'evt_none', payoutId: null }),
    ];

    const result = await deliver();

    expect(result).toEqual({ received: 2, results: ['unmatched', 'unmatched'] });
    expect(writes.writes).toBe(0);
    expect(events.get('ten_A/stripe/evt_unknown')).toEqual({
      tenantId: 'ten_A',
      connector: 'stripe',
      eventId: 'evt_unknown',
      type: 'transfer.paid',
      payoutId: 'po_unknown',
      providerReference: 'tr_1',
      outcome: { status: 'paid', providerReference: 'tr_1' },
      result: 'unmatched',
      receivedAt: new Date(RECEIVED).toISOString(),
    });
    expect(events.get('ten_A/stripe/evt_none')?.payoutId).toBeNull();
  });

  it('an event for a payout of another rail, or about another transfer, is recorded mismatched and not applied', async () => {
    const paypalPayout = payout('po_01JD7X2Q4M6N8P0R2S4T6V8W0P', 'paypal');
    const sandboxPayout = payout('po_01JD7X2Q4M6N8P0R2S4T6V8W0Z', null);
    const { deliver, verify, stored, events, writes } = await setup(pending, paypalPayout, sandboxPayout);
    verify.answer = async () => [
      paidEvent({ eventId: 'evt_a', payoutId: 'po_01JD7X2Q4M6N8P0R2S4T6V8W0P' }),
      paidEvent({ eventId: 'evt_b', payoutId: 'po_01JD7X2Q4M6N8P0R2S4T6V8W0Z' }),
      paidEvent({
        eventId: 'evt_c',
        providerReference: 'tr_other',
        outcome: { status: 'paid', providerReference: 'tr_other' },
      }),
    ];

    const result = await deliver();

    expect(result.results).toEqual(['mismatched', 'mismatched', 'mismatched']);
    expect(writes.writes).toBe(0);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0P')).toBe(paypalPayout);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Z')).toBe(sandboxPayout);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toBe(pending);
    expect([...events.values()].map((event) => [event.eventId, event.result])).toEqual([
      ['evt_a', 'mismatched'],
      ['evt_b', 'mismatched'],
      ['evt_c', 'mismatched'],
    ]);
  });

  it('an informational event (no outcome) is recorded and changes nothing', async () => {
    const { deliver, verify, stored, events } = await setup();
    verify.answer = async () => [paidEvent({ type: 'transfer.updated', outcome: null })];

    expect((await deliver()).results).toEqual(['unchanged']);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toBe(pending);
    expect(events.get('ten_A/stripe/evt_1')?.result).toBe('unchanged');
  });

  it('records the event only after applying it: a failed write leaves it unrecorded, so the retry applies it', async () => {
    const { deliver, verify, stored, events, recording, writes } = await setup();
    const statusWhenRecorded: string[] = [];
    recording.onRecord = () => void statusWhenRecorded.push(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y').status);
    verify.answer = async () => [paidEvent()];
    writes.failNextWrite = new Error('DynamoDB throttled the write');

    await expect(deliver()).rejects.toThrow(/throttled/);
    expect(events.size).toBe(0);
    expect(stored('po_01JD7X2Q4M6N8P0R2S4T6V8W0Y')).toBe(pending);

    // The provider delivers the event again.
    expect((await deliver()).results).toEqual(['paid']);
    expect(statusWhenRecorded).toEqual(['paid']);
    expect(events.get('ten_A/stripe/evt_1')?.result).toBe('paid');
  });
});
