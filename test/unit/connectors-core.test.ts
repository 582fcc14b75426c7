import { describe, expect, it } from 'vitest';
import type { Connector, ConnectorRuntime } from '../../shared/connectors/connector.js';
import { CONNECTOR_REGISTRY } from '../../shared/connectors/registry.js';
import type { Caller } from '../../shared/domain/audit.js';
import { emptyConnectors, routePayout, type TenantConnectors } from '../../shared/domain/connectors.js';
import {
  AppError,
  ConcurrentModificationError,
  RetryLaterError,
  ValidationError,
} from '../../shared/domain/errors.js';
import { takeLease } from '../../shared/domain/execution.js';
import { type Destination, newPayout, type Payout } from '../../shared/domain/payout.js';
import type { ConnectorStore } from '../../shared/ports/connector-store.js';
import type { PayoutProvider, TransferRequest } from '../../shared/ports/payout-provider.js';
import { ProviderTimeoutError } from '../../shared/ports/payout-provider.js';
import type { PayoutRepository } from '../../shared/ports/payout-repository.js';
import type { SecretContext, SecretSealer } from '../../shared/ports/secret-sealer.js';
import {
  type ConnectorRegistry,
  connectorRouting,
  connectorsUseCase,
} from '../../shared/use-cases/connectors.js';
import {
  applyTransferOutcomeUseCase,
  ConnectorNotConfiguredError,
  executePayoutUseCase,
} from '../../shared/use-cases/execute-payout.js';
import * as z from '../../shared/zod.js';

const T0 = Date.parse('2026-12-02T09:00:00.000Z');

const caller: Caller = {
  tenantId: 'ten_A',
  actor: { type: 'member', id: 'usr_1', name: 'Ada', email: 'ada@example.com' },
  sourceIp: null,
  requestId: null,
};

// Credentials each connector's own schema accepts; the secret parts must never be shown again.
const STRIPE = { secret_key: 'sk_test_Str1peSecretKey', webhook_secret: 'whsec_StripeSigningSecret' };
const ADYEN = {
  api_key: 'AQEadyenSecretApiKey',
  balance_account_id: 'BA1234567890ABCD',
  hmac_key: '00112233445566778899AABBCCDDEEFF',
};
const PAYPAL = {
  client_id: 'AZpaypalClientId',
  client_secret: 'EHpaypalClientSecret',
  webhook_id: 'WH8PAYPAL',
};

// ---------------------------------------------------------------------------------------------------
// Fakes

/** A tenant's rails in memory: writes conditioned on the version; `beforeSave` runs once, just before a save. */
function memoryConnectorStore() {
  const rails = new Map<string, TenantConnectors>();
  const control = { beforeSave: [] as (() => void)[], saves: 0 };
  const store: ConnectorStore = {
    async get(tenantId) {
      const found = rails.get(tenantId);
      return found ? structuredClone(found) : undefined;
    },
    async save(next, expectedVersion) {
      control.beforeSave.shift()?.();
      if ((rails.get(next.tenantId)?.version ?? 0) !== expectedVersion)
        throw new ConcurrentModificationError('changed meanwhile');
      const { lastAction: _stamp, ...config } = next;
      rails.set(next.tenantId, structuredClone(config));
      control.saves += 1;
    },
    async recordProviderEvent() {
      return true;
    },
    async getProviderEvent() {
      return undefined;
    },
  };
  /** Another admin's write, straight to the table (what a concurrent request does). */
  const writeBehind = (change: (config: TenantConnectors) => TenantConnectors) => {
    const current = rails.get('ten_A') ?? emptyConnectors('ten_A');
    rails.set('ten_A', { ...change(structuredClone(current)), version: current.version + 1 });
  };
  return { store, control, stored: () => rails.get('ten_A'), writeBehind };
}

/** Seals reversibly, and remembers what it sealed with which context. */
function recordingSealer() {
  const sealed: { plaintext: string; context: SecretContext; token: string }[] = [];
  const sealer: SecretSealer = {
    async seal(plaintext, context) {
      const token = `sealed:${sealed.length + 1}`;
      sealed.push({ plaintext, context, token });
      return token;
    },
    async open(token, context) {
      const found = sealed.find((entry) => entry.token === token);
      if (!found || JSON.stringify(found.context) !== JSON.stringify(context))
        throw new Error('cannot open under this context');
      return found.plaintext;
    },
  };
  return { sealer, sealed };
}

const runtime = (mode: string): ConnectorRuntime => ({
  baseUrl: `https://${mode}.provider.test`,
  timeoutMs: 1000,
  limiter: { take: async () => undefined },
});

function railsUseCase(options: { registry?: ConnectorRegistry; sandboxAvailable?: boolean } = {}) {
  const memory = memoryConnectorStore();
  const { sealer, sealed } = recordingSealer();
  const useCase = connectorsUseCase({
    store: memory.store,
    sealer,
    registry: options.registry ?? CONNECTOR_REGISTRY,
    sandboxAvailable: options.sandboxAvailable ?? false,
    runtimeFor: (_name, mode) => runtime(mode),
    now: () => T0,
  });
  return { useCase, sealed, ...memory };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

function paramsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ValidationError);
  return ((error as ValidationError).details ?? []).map((detail) => detail.param);
}

// ---------------------------------------------------------------------------------------------------

describe('routePayout: which rail a payout leaves through', () => {
  const configured = (
    names: (keyof TenantConnectors['connectors'])[],
    rules: TenantConnectors['rules'] = [],
    defaultConnector: TenantConnectors['defaultConnector'] = null,
  ): TenantConnectors => ({
    ...emptyConnectors('ten_A'),
    connectors: Object.fromEntries(
      names.map((name) => [
        name,
        {
          name,
          mode: 'test',
          sealedCredentials: 'x',
          publicFields: {},
          updatedAt: '2026-12-01T00:00:00.000Z',
          updatedBy: 'ada',
        },
      ]),
    ),
    rules,
    defaultConnector,
  });
  const email = (currency: string) => ({ destination: { type: 'email' as const }, currency });
  const bank = (currency: string) => ({ destination: { type: 'bank_account' as const }, currency });
  const noSandbox = { sandboxAvailable: false };

  it('an API key reaches only rails of its own mode: a test key never moves real money', () => {
    const config = configured(
      ['adyen'],
      [{ destinationType: 'bank_account', currency: null, connector: 'adyen' }],
    );
    // Every configured rail here is in test mode.
    expect(routePayout(config, bank('EUR'), { sandboxAvailable: true, keyMode: 'test' })).toBe('adyen');
    expect(routePayout(config, bank('EUR'), { sandboxAvailable: true, keyMode: 'live' })).toBeUndefined();
    const live: TenantConnectors = {
      ...config,
      connectors: {
        adyen: {
          ...(config.connectors.adyen as NonNullable<TenantConnectors['connectors']['adyen']>),
          mode: 'live',
        },
      },
    };
    expect(routePayout(live, bank('EUR'), { sandboxAvailable: true, keyMode: 'live' })).toBe('adyen');
    // A test key falls back to the sandbox, never to the live rail.
    expect(routePayout(live, bank('EUR'), { sandboxAvailable: true, keyMode: 'test' })).toBe('sandbox');
    expect(routePayout(live, bank('EUR'), { sandboxAvailable: false, keyMode: 'test' })).toBeUndefined();
    // Without a key (the portal, files, events) the rules alone decide.
    expect(routePayout(live, bank('EUR'), { sandboxAvailable: false })).toBe('adyen');
  });

  it('takes the first rule that matches, in the order the rules are stored', () => {
    const config = configured(
      ['paypal', 'adyen', 'stripe'],
      [
        { destinationType: 'bank_account', currency: 'EUR', connector: 'adyen' },
        { destinationType: 'email', currency: null, connector: 'paypal' },
        { destinationType: 'email', currency: null, connector: 'sandbox' },
      ],
    );

    expect(routePayout(config, email('USD'), { sandboxAvailable: true })).toBe('paypal');
    expect(routePayout(config, bank('EUR'), noSandbox)).toBe('adyen');
  });

  it('a currency rule applies to its currency only; a general rule to every currency', () => {
    const config = configured(
      ['paypal', 'adyen'],
      [
        { destinationType: 'bank_account', currency: 'EUR', connector: 'adyen' },
        { destinationType: 'email', currency: 'GBP', connector: 'paypal' },
      ],
      'adyen',
    );

    expect(routePayout(config, bank('EUR'), noSandbox)).toBe('adyen');
    expect(routePayout(config, email('GBP'), noSandbox)).toBe('paypal');
    // No rule for USD e-mails, and the default (adyen) cannot carry e-mails.
    expect(routePayout(config, email('USD'), noSandbox)).toBeUndefined();

    const general = configured(
      ['paypal'],
      [{ destinationType: 'email', currency: null, connector: 'paypal' }],
    );
    expect(routePayout(general, email('USD'), noSandbox)).toBe('paypal');
    expect(routePayout(general, email('JPY'), noSandbox)).toBe('paypal');
  });

  it('skips a rule whose connector is not configured (or is the sandbox where none is offered)', () => {
    const config = configured(
      ['adyen'],
      [
        { destinationType: 'email', currency: null, connector: 'paypal' },
        { destinationType: 'bank_account', currency: null, connector: 'sandbox' },
        { destinationType: 'bank_account', currency: null, connector: 'adyen' },
      ],
    );

    expect(routePayout(config, email('EUR'), noSandbox)).toBeUndefined();
    expect(routePayout(config, email('EUR'), { sandboxAvailable: true })).toBe('sandbox');
    expect(routePayout(config, bank('EUR'), noSandbox)).toBe('adyen');
    expect(routePayout(config, bank('EUR'), { sandboxAvailable: true })).toBe('sandbox');
  });

  it('uses the default connector when no rule matches, only if it carries the destination type', () => {
    const config = configured(['paypal', 'adyen'], [], 'paypal');

    expect(routePayout(config, email('EUR'), noSandbox)).toBe('paypal');
    expect(routePayout(config, bank('EUR'), noSandbox)).toBeUndefined();
    expect(routePayout(config, bank('EUR'), { sandboxAvailable: true })).toBe('sandbox');

    // A default that is not (or no longer) configured is no rail at all.
    const unconfiguredDefault = configured(['adyen'], [], 'paypal');
    expect(routePayout(unconfiguredDefault, email('EUR'), noSandbox)).toBeUndefined();
  });

  it('falls back to the sandbox only where the deployment offers it, even for a tenant with nothing configured', () => {
    expect(routePayout(undefined, email('EUR'), { sandboxAvailable: true })).toBe('sandbox');
    expect(routePayout(undefined, email('EUR'), noSandbox)).toBeUndefined();
    expect(routePayout(emptyConnectors('ten_A'), bank('EUR'), noSandbox)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------

describe('connectorsUseCase: setting credentials', () => {
  it('validates the credentials with the connector’s schema, naming each field as credentials.<field>', async () => {
    const { useCase, sealed, control } = railsUseCase();

    const error = await rejection(
      useCase.set(caller, { connector: 'stripe', credentials: { secret_key: 'pk_test_publishable' } }),
    );

    expect(paramsOf(error)).toEqual(['credentials.secret_key', 'credentials.webhook_secret']);
    expect(sealed).toEqual([]);
    expect(control.saves).toBe(0);
  });

  it('refuses an unknown connector, the sandbox (nothing to configure) and an unknown mode', async () => {
    const { useCase, control } = railsUseCase({ sandboxAvailable: true });

    expect(paramsOf(await rejection(useCase.set(caller, { connector: 'venmo', credentials: {} })))).toEqual([
      'connector',
    ]);
    expect(paramsOf(await rejection(useCase.set(caller, { connector: 'sandbox', credentials: {} })))).toEqual(
      ['connector'],
    );
    expect(
      paramsOf(
        await rejection(useCase.set(caller, { connector: 'stripe', mode: 'prod', credentials: STRIPE })),
      ),
    ).toEqual(['mode']);
    expect(control.saves).toBe(0);
  });

  it('seals the credentials under the tenant and connector and keeps only the public fields readable', async () => {
    const { useCase, sealed, stored } = railsUseCase();

    await useCase.set(caller, { connector: 'adyen', mode: 'live', credentials: ADYEN });

    expect(sealed).toHaveLength(1);
    expect(JSON.parse(sealed[0]!.plaintext)).toEqual(ADYEN);
    expect(sealed[0]!.context).toEqual({ tenant_id: 'ten_A', connector: 'adyen' });
    expect(stored()?.connectors.adyen).toEqual({
      name: 'adyen',
      mode: 'live',
      sealedCredentials: sealed[0]!.token,
      publicFields: { balance_account_id: ADYEN.balance_account_id },
      updatedAt: new Date(T0).toISOString(),
      updatedBy: 'Ada <ada@example.com>',
    });
    const storedText = JSON.stringify(stored());
    for (const secret of [ADYEN.api_key, ADYEN.hmac_key]) expect(storedText).not.toContain(secret);
  });

  it('refuses credentials longer than KMS seals at once (4,096 bytes), naming credentials, storing nothing', async () => {
    const { useCase, sealed, stored } = railsUseCase();
    // Stripe's key pattern has no length of its own.
    const long = { ...STRIPE, secret_key: `sk_test_${'A'.repeat(4_100)}` };
    const error = await rejection(useCase.set(caller, { connector: 'stripe', credentials: long }));
    expect(paramsOf(error)).toEqual(['credentials']);
    expect((error as ValidationError).details?.[0]?.message).toBe(
      'are too long: at most 4,096 bytes together',
    );
    expect(sealed).toHaveLength(0);
    expect(stored()).toBeUndefined();
  });

  it('never puts a secret (or the sealed credentials) in the resource it returns or lists', async () => {
    const { useCase, sealed } = railsUseCase({ sandboxAvailable: true });

    const results = [
      await useCase.set(caller, { connector: 'stripe', credentials: STRIPE }),
      await useCase.set(caller, { connector: 'adyen', credentials: ADYEN }),
      await useCase.set(caller, { connector: 'paypal', credentials: PAYPAL }),
      await useCase.list('ten_A'),
    ];

    const listed = results[3]!;
    expect(listed.connectors.map((connector) => connector.name).sort()).toEqual([
      'adyen',
      'paypal',
      'stripe',
    ]);
    expect(listed.connectors.find((connector) => connector.name === 'paypal')?.public_fields).toEqual({
      client_id: PAYPAL.client_id,
      webhook_id: PAYPAL.webhook_id,
    });
    const secrets = [
      STRIPE.secret_key,
      STRIPE.webhook_secret,
      ADYEN.api_key,
      ADYEN.hmac_key,
      PAYPAL.client_secret,
      ...sealed.map((entry) => entry.token),
    ];
    for (const result of results) {
      const text = JSON.stringify(result);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it('re-reads and re-applies when another admin changed the rails meanwhile', async () => {
    const { useCase, control, writeBehind, stored } = railsUseCase();
    control.beforeSave.push(() =>
      writeBehind((config) => ({
        ...config,
        connectors: {
          paypal: {
            name: 'paypal',
            mode: 'test',
            sealedCredentials: 'other',
            publicFields: {},
            updatedAt: '2026-12-01T00:00:00.000Z',
            updatedBy: 'Bob',
          },
        },
      })),
    );

    const result = await useCase.set(caller, { connector: 'stripe', credentials: STRIPE });

    expect(Object.keys(stored()?.connectors ?? {}).sort()).toEqual(['paypal', 'stripe']);
    expect(stored()?.version).toBe(2);
    expect(result.version).toBe(2);
  });

  it('gives up with ConcurrentModificationError when the rails keep changing', async () => {
    const { useCase, control, writeBehind } = railsUseCase();
    for (let race = 0; race < 3; race++) control.beforeSave.push(() => writeBehind((config) => config));

    await expect(useCase.set(caller, { connector: 'stripe', credentials: STRIPE })).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
  });
});

describe('connectorsUseCase: routing rules', () => {
  async function withStripeAndPaypal(sandboxAvailable = false) {
    const rails = railsUseCase({ sandboxAvailable });
    await rails.useCase.set(caller, { connector: 'stripe', credentials: STRIPE });
    await rails.useCase.set(caller, { connector: 'paypal', credentials: PAYPAL });
    return rails;
  }

  it('refuses rules naming an unconfigured connector, one that cannot carry the type, or a bad currency', async () => {
    const { useCase, stored } = await withStripeAndPaypal();
    const before = stored();

    const error = await rejection(
      useCase.route(caller, {
        rules: [
          { destination_type: 'bank_account', connector: 'adyen' },
          { destination_type: 'bank_account', connector: 'paypal' },
          { destination_type: 'email', currency: 'eur', connector: 'paypal' },
          { destination_type: 'iban', connector: 'paypal' },
          { destination_type: 'email', connector: 'sandbox' },
          { destination_type: 'email', currency: 'EUR', connector: 'paypal' },
        ],
        default_connector: 'adyen',
      }),
    );

    expect(paramsOf(error)).toEqual([
      'rules.0.connector',
      'rules.1.connector',
      'rules.2.currency',
      'rules.3.destination_type',
      'rules.4.connector',
      'default_connector',
    ]);
    expect(stored()).toEqual(before);
  });

  it('names the destination type, not the connector, for a type that only looks like an object key', async () => {
    const { useCase } = await withStripeAndPaypal();

    for (const type of ['toString', 'constructor', '__proto__']) {
      const error = await rejection(
        useCase.route(caller, { rules: [{ destination_type: type, connector: 'paypal' }] }),
      );
      expect(paramsOf(error)).toEqual(['rules.0.destination_type']);
    }
  });

  it('stores currency rules before general ones, so a payout in that currency takes its own rule', async () => {
    const { useCase, store } = await withStripeAndPaypal(true);

    const result = await useCase.route(caller, {
      rules: [
        { destination_type: 'email', currency: null, connector: 'sandbox' },
        { destination_type: 'stripe_account', connector: 'stripe' },
        { destination_type: 'email', currency: 'EUR', connector: 'paypal' },
      ],
      default_connector: 'stripe',
    });

    expect(result.rules).toEqual([
      { destination_type: 'email', currency: 'EUR', connector: 'paypal' },
      { destination_type: 'email', currency: null, connector: 'sandbox' },
      { destination_type: 'stripe_account', currency: null, connector: 'stripe' },
    ]);
    expect(result.default_connector).toBe('stripe');
    const route = connectorRouting({ store, sandboxAvailable: true });
    const email: Pick<Destination, 'type'> = { type: 'email' };
    expect(await route('ten_A', { destination: email, currency: 'EUR' })).toBe('paypal');
    expect(await route('ten_A', { destination: email, currency: 'USD' })).toBe('sandbox');
  });

  it('refuses a payout no rail accepts with unsupported_destination', async () => {
    const { store } = await withStripeAndPaypal(false);
    const route = connectorRouting({ store, sandboxAvailable: false });

    const error = await rejection(route('ten_A', { destination: { type: 'bank_account' }, currency: 'EUR' }));

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'unsupported_destination', statusCode: 400 });
  });

  it('checks the rules again against the rails as they are when a concurrent change forced a retry', async () => {
    const { useCase, control, writeBehind, stored } = await withStripeAndPaypal();
    // Another admin removes PayPal between this request's read and its write.
    control.beforeSave.push(() =>
      writeBehind((config) => {
        const { paypal: _removed, ...rest } = config.connectors;
        return { ...config, connectors: rest };
      }),
    );

    const error = await rejection(
      useCase.route(caller, {
        rules: [{ destination_type: 'email', connector: 'paypal' }],
        default_connector: 'paypal',
      }),
    );

    expect(paramsOf(error)).toEqual(['rules.0.connector', 'default_connector']);
    expect(stored()?.rules).toEqual([]);
    expect(stored()?.defaultConnector).toBeNull();
  });

  it('retries a write that lost a race and keeps the other admin’s change', async () => {
    const { useCase, control, writeBehind, stored } = await withStripeAndPaypal();
    control.beforeSave.push(() =>
      writeBehind((config) => ({
        ...config,
        connectors: {
          ...config.connectors,
          adyen: {
            name: 'adyen',
            mode: 'test',
            sealedCredentials: 'other',
            publicFields: {},
            updatedAt: '2026-12-01T00:00:00.000Z',
            updatedBy: 'Bob',
          },
        },
      })),
    );

    await useCase.route(caller, { rules: [{ destination_type: 'email', connector: 'paypal' }] });

    expect(stored()?.rules).toEqual([{ destinationType: 'email', currency: null, connector: 'paypal' }]);
    expect(Object.keys(stored()?.connectors ?? {}).sort()).toEqual(['adyen', 'paypal', 'stripe']);
  });

  it('removing a connector drops its rules and its place as default', async () => {
    const { useCase, stored } = await withStripeAndPaypal();
    await useCase.route(caller, {
      rules: [
        { destination_type: 'email', connector: 'paypal' },
        { destination_type: 'stripe_account', connector: 'stripe' },
      ],
      default_connector: 'paypal',
    });

    const result = await useCase.remove(caller, 'paypal');

    expect(Object.keys(stored()?.connectors ?? {})).toEqual(['stripe']);
    expect(stored()?.rules).toEqual([
      { destinationType: 'stripe_account', currency: null, connector: 'stripe' },
    ]);
    expect(stored()?.defaultConnector).toBeNull();
    expect(result.connectors.map((connector) => connector.name)).toEqual(['stripe']);
    await expect(useCase.remove(caller, 'paypal')).rejects.toMatchObject({
      type: 'not_found_error',
      statusCode: 404,
    });
  });
});

describe('connectorsUseCase: testing a connection', () => {
  /** A Stripe stand-in whose provider's testConnection answers as told, and records how it was built. */
  function fakeStripe(answer: () => Promise<{ ok: true; detail: string }>) {
    const built: { credentials: Record<string, string>; baseUrl: string }[] = [];
    const connector: Connector = {
      name: 'stripe',
      label: 'Fake Stripe',
      destinationTypes: ['stripe_account'],
      credentials: z.object({ secret_key: z.string(), webhook_secret: z.string() }),
      publicFields: [],
      baseUrls: { test: 'https://test.provider.test', live: 'https://live.provider.test' },
      defaultRatePerSecond: 10,
      provider(credentials, runtime) {
        built.push({ credentials, baseUrl: runtime.baseUrl });
        return {
          name: 'stripe',
          createTransfer: async () => {
            throw new Error('not in this test');
          },
          findTransfer: async () => undefined,
          testConnection: answer,
        };
      },
      verifyWebhook: async () => [],
    };
    return { registry: { stripe: connector } as ConnectorRegistry, built };
  }

  it('reports ok with the provider’s detail, using the opened credentials and the configured mode', async () => {
    const fake = fakeStripe(async () => ({ ok: true, detail: 'balance in EUR' }));
    const { useCase } = railsUseCase({ registry: fake.registry });
    await useCase.set(caller, { connector: 'stripe', mode: 'live', credentials: STRIPE });

    const result = await useCase.testConnection('ten_A', 'stripe');

    expect(result).toEqual({
      object: 'connection_test',
      connector: 'stripe',
      ok: true,
      detail: 'balance in EUR',
    });
    expect(fake.built).toEqual([{ credentials: STRIPE, baseUrl: 'https://live.provider.test' }]);
  });

  it('reports a refused connection as failed, without throwing', async () => {
    const fake = fakeStripe(async () => {
      throw new Error('Invalid API Key provided');
    });
    const { useCase } = railsUseCase({ registry: fake.registry });
    await useCase.set(caller, { connector: 'stripe', credentials: STRIPE });

    const result = await useCase.testConnection('ten_A', 'stripe');

    expect(result).toEqual({
      object: 'connection_test',
      connector: 'stripe',
      ok: false,
      detail: 'Invalid API Key provided',
    });
  });

  it('answers 404 for a connector the tenant has not configured', async () => {
    const fake = fakeStripe(async () => ({ ok: true, detail: 'fine' }));
    const { useCase } = railsUseCase({ registry: fake.registry });

    await expect(useCase.testConnection('ten_A', 'stripe')).rejects.toMatchObject({
      type: 'not_found_error',
      statusCode: 404,
    });
    expect(fake.built).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

/** Payouts in memory, keyed by tenant and id; a write is conditioned on the version read. */
function memoryPayouts(...initial: Payout[]) {
  const rows = new Map(initial.map((payout) => [`${payout.tenantId}/${payout.id}`, payout]));
  const payouts = {
    async get(tenantId: string, id: string) {
      return rows.get(`${tenantId}/${id}`);
    },
    async transition({ current, next }: { current: Payout; next: Payout }) {
      const key = `${current.tenantId}/${current.id}`;
      if (rows.get(key)?.version !== current.version) throw new ConcurrentModificationError('changed');
      rows.set(key, next);
    },
  } as unknown as PayoutRepository;
  return { payouts, stored: (id = 'po_1') => rows.get(`ten_A/${id}`)! };
}

const queued = newPayout({
  id: 'po_1',
  tenantId: 'ten_A',
  request: {
    amount: 2500,
    currency: 'EUR',
    destination: { type: 'stripe_account', account: 'acct_1' },
    reference: 'inv-1',
    purpose: 'refund',
  },
  source: 'api',
  now: new Date(T0).toISOString(),
  connector: 'stripe',
});
/** Taken by a first attempt whose lease has since expired. */
const processing = takeLease(queued, T0, 30);
const later = T0 + 60_000;
const paid = { status: 'paid' as const, providerReference: 'tr_1' };
const failed = {
  status: 'failed' as const,
  providerReference: 'tr_1',
  failureCode: 'account_closed',
  failureMessage: 'No such destination',
};
const returned = {
  status: 'returned' as const,
  providerReference: 'tr_1',
  returnCode: 'account_closed',
  returnedAt: '2026-12-03T10:00:00.000Z',
};

/** A provider that answers as told and records every request it receives. */
function scriptedProvider(script: Partial<Pick<PayoutProvider, 'createTransfer' | 'findTransfer'>>) {
  const calls = { created: [] as TransferRequest[], found: [] as (TransferRequest | undefined)[] };
  const provider: PayoutProvider = {
    name: 'stripe',
    async createTransfer(request) {
      calls.created.push(request);
      if (!script.createTransfer) throw new Error('createTransfer not expected');
      return script.createTransfer(request);
    },
    async findTransfer(key, request) {
      calls.found.push(request);
      return script.findTransfer?.(key, request);
    },
  };
  return { provider, calls };
}

describe('applyTransferOutcomeUseCase: what a provider reports, applied to the payout as stored', () => {
  const applyTo = (payout: Payout) => {
    const memory = memoryPayouts(payout);
    return { ...memory, apply: applyTransferOutcomeUseCase({ payouts: memory.payouts, now: () => later }) };
  };

  it('settles a processing payout paid, with the reference and rail', async () => {
    const { apply, stored } = applyTo(processing);

    expect(await apply('ten_A', 'po_1', paid, 'stripe')).toBe('paid');
    expect(stored()).toMatchObject({
      status: 'paid',
      providerReference: 'tr_1',
      connector: 'stripe',
      paidAt: new Date(later).toISOString(),
    });
  });

  it('settles a processing payout failed, with the failure code', async () => {
    const { apply, stored } = applyTo(processing);

    expect(await apply('ten_A', 'po_1', failed, 'stripe')).toBe('failed');
    expect(stored()).toMatchObject({
      status: 'failed',
      failureCode: 'account_closed',
      providerReference: 'tr_1',
    });
  });

  it('marks a paid payout returned', async () => {
    const { apply, stored } = applyTo(processing);
    await apply('ten_A', 'po_1', paid, 'stripe');

    expect(await apply('ten_A', 'po_1', returned, 'stripe')).toBe('returned');
    expect(stored()).toMatchObject({
      status: 'returned',
      returnCode: 'account_closed',
      returnedAt: '2026-12-03T10:00:00.000Z',
    });
  });

  it('a processing payout reported returned is paid first, then returned', async () => {
    const { apply, stored } = applyTo(processing);

    expect(await apply('ten_A', 'po_1', returned, 'stripe')).toBe('returned');
    expect(stored().history?.map((entry) => entry.status)).toEqual([
      'queued',
      'processing',
      'paid',
      'returned',
    ]);
    expect(stored()).toMatchObject({ providerReference: 'tr_1', connector: 'stripe' });
  });

  it('an outcome applied twice, or a late one, changes nothing the second time', async () => {
    for (const outcome of [paid, failed, returned]) {
      const { apply, stored } = applyTo(processing);
      await apply('ten_A', 'po_1', outcome, 'stripe');
      const once = stored();

      expect(await apply('ten_A', 'po_1', outcome, 'stripe')).toBe('unchanged');
      expect(stored()).toBe(once);
    }
    const { apply, stored } = applyTo(processing);
    await apply('ten_A', 'po_1', failed, 'stripe');
    expect(await apply('ten_A', 'po_1', paid, 'stripe')).toBe('unchanged');
    expect(await apply('ten_A', 'po_1', returned, 'stripe')).toBe('unchanged');
    expect(stored().status).toBe('failed');
  });

  it('a pending report, or one about a payout not yet executed, changes nothing', async () => {
    const fresh = applyTo(processing);
    expect(
      await fresh.apply('ten_A', 'po_1', { status: 'pending', providerReference: 'tr_1' }, 'stripe'),
    ).toBe('unchanged');
    expect(fresh.stored()).toBe(processing);

    const waiting = applyTo(queued);
    expect(await waiting.apply('ten_A', 'po_1', paid, 'stripe')).toBe('unchanged');
    expect(waiting.stored()).toBe(queued);
  });
});

describe('executePayoutUseCase with connectors', () => {
  it('leaves a payout whose transfer is pending processing, holding the provider reference and rail', async () => {
    const { payouts, stored } = memoryPayouts(queued);
    const { provider } = scriptedProvider({
      createTransfer: async () => ({ status: 'pending', providerReference: 'tr_pending' }),
    });
    const execute = executePayoutUseCase({ payouts, provider, leaseSeconds: 30, now: () => T0 });

    expect(await execute('ten_A', 'po_1')).toBe('pending');
    expect(stored()).toMatchObject({
      status: 'processing',
      providerReference: 'tr_pending',
      connector: 'stripe',
    });
  });

  it('fails a payout whose rail is not configured on its first attempt', async () => {
    const { payouts, stored } = memoryPayouts(queued);
    const execute = executePayoutUseCase({
      payouts,
      providerFor: async (payout) => {
        throw new ConnectorNotConfiguredError(payout.tenantId, payout.connector ?? 'sandbox');
      },
      leaseSeconds: 30,
      now: () => T0,
    });

    expect(await execute('ten_A', 'po_1')).toBe('failed');
    expect(stored()).toMatchObject({
      status: 'failed',
      failureCode: 'connector_not_configured',
      connector: 'stripe',
      providerReference: null,
    });
  });

  it('retries, never fails, a later attempt whose rail is not configured (a transfer may exist)', async () => {
    const { payouts, stored } = memoryPayouts(processing);
    const execute = executePayoutUseCase({
      payouts,
      providerFor: async (payout) => {
        throw new ConnectorNotConfiguredError(payout.tenantId, 'stripe');
      },
      leaseSeconds: 30,
      now: () => later,
    });

    await expect(execute('ten_A', 'po_1')).rejects.toBeInstanceOf(RetryLaterError);
    expect(stored()).toMatchObject({ status: 'processing', failureCode: null, execution: { attempts: 2 } });
  });

  it('a later attempt looks the transfer up with the stored provider reference and the creation time', async () => {
    const pendingEarlier = {
      ...processing,
      providerReference: 'tr_pending',
      version: processing.version + 1,
    };
    const { payouts, stored } = memoryPayouts(pendingEarlier);
    const { provider, calls } = scriptedProvider({
      findTransfer: async () => ({ status: 'paid', providerReference: 'tr_pending' }),
    });
    const execute = executePayoutUseCase({ payouts, provider, leaseSeconds: 30, now: () => later });

    expect(await execute('ten_A', 'po_1')).toBe('paid');
    expect(calls.created).toEqual([]);
    expect(calls.found).toEqual([
      expect.objectContaining({
        idempotencyKey: 'po_1',
        payoutId: 'po_1',
        providerReference: 'tr_pending',
        createdAt: new Date(T0).toISOString(),
      }),
    ]);
    expect(stored()).toMatchObject({ status: 'paid', providerReference: 'tr_pending' });
  });

  it('after a timeout, looks the transfer up with the creation time before giving up', async () => {
    const { payouts, stored } = memoryPayouts(queued);
    const { provider, calls } = scriptedProvider({
      createTransfer: async (request) => {
        throw new ProviderTimeoutError(request.idempotencyKey);
      },
      findTransfer: async () => undefined,
    });
    const execute = executePayoutUseCase({ payouts, provider, leaseSeconds: 30, now: () => T0 });

    await expect(execute('ten_A', 'po_1')).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(calls.found).toEqual([expect.objectContaining({ createdAt: new Date(T0).toISOString() })]);
    expect(stored().status).toBe('processing');
  });
});
