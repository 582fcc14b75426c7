import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SendResult, WebhookSender } from '../ports/webhook-store.js';
import { guardedLookup, type UrlPolicy } from '../webhooks/url-guard.js';

/** A 2xx within 15 s is success (the contract). */
export const DELIVERY_TIMEOUT_MS = 15_000;
const EXCERPT_BYTES = 500;

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * Sends webhooks with node's own HTTP client: redirects are never followed (a 3xx is a failed
 * attempt), the whole exchange is bounded by the timeout, and every connection resolves the host
 * through the SSRF guard (DNS rebinding cannot reach a private address).
 */
export function createHttpWebhookSender(
  policy: Pick<UrlPolicy, 'allowLoopback'>,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): WebhookSender {
  const lookup = guardedLookup(policy);
  return {
    send({ url, headers, body }) {
      const target = new URL(url);
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const started = performance.now();
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const finish = (result: Omit<SendResult, 'latencyMs'>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
        };
        const req = request(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'payouts-webhooks/1' },
            lookup: lookup as never,
            agent: false,
          },
          (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              if (size < EXCERPT_BYTES) chunks.push(chunk);
              size += chunk.length;
            });
            response.on('end', () =>
              finish({
                statusCode: response.statusCode ?? null,
                error: null,
                timedOut: false,
                responseExcerpt: Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT_BYTES),
                retryAfterSeconds: retryAfterSeconds(response.headers['retry-after']),
              }),
            );
            response.on('error', (error) =>
              finish({
                statusCode: response.statusCode ?? null,
                error: error.message,
                timedOut: false,
                responseExcerpt: null,
              }),
            );
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          finish({
            statusCode: null,
            error: `no response within ${timeoutMs} ms`,
            timedOut: true,
            responseExcerpt: null,
          });
        }, timeoutMs);
        req.on('error', (error) =>
          finish({ statusCode: null, error: error.message, timedOut: false, responseExcerpt: null }),
        );
        req.end(body);
      });
    },
  };
}
