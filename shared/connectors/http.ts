import { timingSafeEqual } from 'node:crypto';
import {
  ProviderAuthenticationError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../ports/payout-provider.js';
import type { ConnectorRuntime } from './connector.js';

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: unknown;
}

/** `Retry-After` in seconds (delta-seconds or an HTTP date), if the provider sent one. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * One HTTP call to a provider, with the errors every connector treats alike:
 *
 *   no answer in time, network failure   → ProviderTimeoutError when the call may have made something
 *                                          (`mayCreate`), else ProviderUnavailableError (nothing changed)
 *   429, 502, 503, 504                   → ProviderUnavailableError with the provider's Retry-After
 *   other 5xx on a call that may create  → ProviderTimeoutError (the provider may have acted: look first)
 *   401, 403                             → ProviderAuthenticationError
 *   anything else                        → returned: the connector maps its 2xx and 4xx itself
 *
 * Every call first takes a token from the connector's rate limiter.
 */
export async function providerCall(
  runtime: ConnectorRuntime,
  request: {
    method: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string>;
    body?: string;
    /** A POST that can move money: an unanswered one leaves the outcome unknown. */
    mayCreate?: boolean;
    /** Names the transfer in errors (the idempotency key). */
    key: string;
  },
): Promise<ProviderResponse> {
  await runtime.limiter.take();
  const doFetch = runtime.fetch ?? fetch;
  const url = `${runtime.baseUrl.replace(/\/$/, '')}${request.path}`;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(runtime.timeoutMs),
    });
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (request.mayCreate)
      throw new ProviderTimeoutError(request.key, `No answer from ${url} (${why}); outcome unknown`);
    throw new ProviderUnavailableError(0, undefined, `No answer from ${url} (${why})`);
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const status = response.status;
  if (status === 429 || status === 502 || status === 503 || status === 504)
    throw new ProviderUnavailableError(
      status,
      retryAfterSeconds(response.headers, runtime.now?.()),
      `${request.method} ${request.path} answered ${status}`,
    );
  if (status >= 500) {
    if (request.mayCreate)
      throw new ProviderTimeoutError(
        request.key,
        `${request.method} ${request.path} answered ${status}; the outcome is unknown until looked up`,
      );
    throw new ProviderUnavailableError(
      status,
      undefined,
      `${request.method} ${request.path} answered ${status}`,
    );
  }
  if (status === 401 || status === 403) throw new ProviderAuthenticationError(status);
  return { status, headers: response.headers, body };
}

/** Constant-time comparison of two signatures. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
