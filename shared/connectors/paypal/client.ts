import { createHash } from 'node:crypto';
import { ProviderAuthenticationError, ProviderUnavailableError } from '../../ports/payout-provider.js';
import * as z from '../../zod.js';
import type { ConnectorRuntime } from '../connector.js';
import { type ProviderResponse, providerCall } from '../http.js';

/** What a tenant configures for PayPal: a REST app's credentials and the id of its webhook. */
export interface PaypalCredentials extends Record<string, string> {
  client_id: string;
  client_secret: string;
  webhook_id: string;
}

/** PayPal's scope for Payouts: a token without it is refused on every payout (403). */
export const PAYOUTS_SCOPE = 'https://uri.paypal.com/payments/payouts';

/**
 * A token is used until this long before PayPal says it expires (PayPal's tokens last about 9 hours):
 * a call made just before expiry never carries a token that lapses on the way.
 */
const TOKEN_MARGIN_SECONDS = 300;

const tokenAnswer = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.positive()),
  scope: z.optional(z.string()),
});

export type TokenAnswer = z.infer<typeof tokenAnswer>;

interface CachedToken {
  /** The token request (shared by concurrent callers until it answers). */
  pending: Promise<string>;
  /** Set once PayPal answered. */
  token?: string;
  expiresAt?: number;
}

/**
 * Access tokens by API host, client id and a hash of the secret, shared by every provider this
 * container makes (the executor makes one per payout): one token call per app every few hours, as
 * PayPal asks ("cache tokens, do not get one per transaction"). A changed secret is another entry.
 */
const tokens = new Map<string, CachedToken>();

/** A PayPal API call with the tenant's credentials: `providerCall` plus the bearer token. */
export interface PaypalClient {
  /**
   * Calls PayPal with a bearer token. A 401 on a cached token (revoked, expired early) gets one fresh
   * token and one retry: PayPal did nothing with a request it refused as unauthenticated.
   */
  call(request: {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    mayCreate?: boolean;
    key: string;
  }): Promise<ProviderResponse>;
  /** Asks PayPal for a new token now (the connection test), and caches it. */
  freshToken(key: string): Promise<TokenAnswer>;
}

export function createPaypalClient(credentials: PaypalCredentials, runtime: ConnectorRuntime): PaypalClient {
  const now = runtime.now ?? Date.now;
  const secretHash = createHash('sha256').update(credentials.client_secret).digest('hex');
  const cacheKey = `${runtime.baseUrl}\n${credentials.client_id}\n${secretHash}`;
  const basic = Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64');

  async function requestToken(key: string): Promise<TokenAnswer> {
    const response = await providerCall(runtime, {
      method: 'POST',
      path: '/v1/oauth2/token',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      key,
    });
    // PayPal answers a refused client 401 (providerCall's ProviderAuthenticationError); a 400 is
    // invalid_client or a disabled app, which no retry fixes either.
    if (response.status === 400)
      throw new ProviderAuthenticationError(400, 'PayPal refused the client credentials (400)');
    const parsed = tokenAnswer.safeParse(response.body);
    if (response.status !== 200 || !parsed.success)
      throw new ProviderUnavailableError(
        response.status,
        undefined,
        `PayPal's token endpoint answered ${response.status} without a usable token`,
      );
    return parsed.data;
  }

  function remember(answer: Promise<TokenAnswer>): CachedToken {
    const entry: CachedToken = {
      pending: answer.then((token) => {
        entry.token = token.access_token;
        const lifetime =
          token.expires_in > 2 * TOKEN_MARGIN_SECONDS
            ? token.expires_in - TOKEN_MARGIN_SECONDS
            : token.expires_in / 2;
        entry.expiresAt = now() + lifetime * 1000;
        return token.access_token;
      }),
    };
    tokens.set(cacheKey, entry);
    // A refused or failed token request is not cached: the next call asks again.
    entry.pending.catch(() => {
      if (tokens.get(cacheKey) === entry) tokens.delete(cacheKey);
    });
    return entry;
  }

  function token(key: string): Promise<string> {
    const entry = tokens.get(cacheKey);
    if (entry && (entry.expiresAt === undefined || entry.expiresAt > now())) return entry.pending;
    return remember(requestToken(key)).pending;
  }

  /** Drops the cached token if it is the one PayPal just refused (not a newer one). */
  function forget(bearer: string): void {
    if (tokens.get(cacheKey)?.token === bearer) tokens.delete(cacheKey);
  }

  return {
    async call(request) {
      for (let attempt = 1; ; attempt++) {
        const bearer = await token(request.key);
        try {
          return await providerCall(runtime, {
            method: request.method,
            path: request.path,
            headers: {
              authorization: `Bearer ${bearer}`,
              accept: 'application/json',
              ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
              ...request.headers,
            },
            body: request.body === undefined ? undefined : JSON.stringify(request.body),
            mayCreate: request.mayCreate,
            key: request.key,
          });
        } catch (error) {
          if (attempt === 1 && error instanceof ProviderAuthenticationError && error.status === 401) {
            forget(bearer);
            continue;
          }
          throw error;
        }
      }
    },
    async freshToken(key) {
      const answer = requestToken(key);
      await remember(answer).pending;
      return answer;
    },
  };
}
