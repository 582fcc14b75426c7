import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Caller } from '../domain/audit.js';
import { AppError, AuthenticationError, ValidationError } from '../domain/errors.js';
import type { RateLimitedAction } from '../domain/rate-limits.js';
import { hiddenCharacterAt } from '../domain/text.js';
import { toFieldProblems } from '../schemas/common.js';
import type { RateLimits } from '../use-cases/rate-limits.js';
import type { ApiPrincipal } from '../use-cases/tenants.js';
import type * as z from '../zod.js';
import { logger } from './logger.js';

/** What the API authorizer puts in `requestContext.authorizer.lambda`. */
export type AuthorizerContext = Partial<ApiPrincipal>;
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** The event after the middlewares ran: the principal and the parsed JSON body are attached. */
export interface ApiRequest extends ApiEvent {
  principal: ApiPrincipal;
  json: unknown;
}

/** Payout bodies are small (a maximal valid one is ~30 KB); anything above 64 KiB is refused. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const JSON_HEADERS = { 'content-type': 'application/json' };

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A CSV file as a download: the browser saves it under `fileName`. */
export function csvResponse(file: { csv: string; fileName: string }): ApiResult {
  return jsonResponse(200, file.csv, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${file.fileName}"`,
  });
}

function requestIdOf(event: ApiEvent): string {
  return event.requestContext?.requestId ?? 'unknown';
}

/** Maps the typed error hierarchy to the API's error format; anything else is an opaque 500. */
export function apiErrors(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    after: async (request) => {
      if (request.response) {
        request.response.headers = { ...request.response.headers, 'request-id': requestIdOf(request.event) };
      }
    },
    onError: async (request) => {
      const requestId = requestIdOf(request.event);
      const error = request.error;
      if (error instanceof AppError) {
        request.response = jsonResponse(
          error.statusCode,
          {
            error: {
              type: error.type,
              code: error.code,
              message: error.message,
              ...(error.param ? { param: error.param } : {}),
              request_id: requestId,
              ...(error.details ? { details: error.details } : {}),
              ...error.extra,
            },
          },
          { ...error.headers, 'request-id': requestId },
        );
        return;
      }
      logger.error('Unhandled error', { error: error as Error, requestId });
      request.response = jsonResponse(
        500,
        {
          error: {
            type: 'api_error',
            code: 'internal_error',
            message: 'Something went wrong on our side. It is safe to retry with the same Idempotency-Key.',
            request_id: requestId,
          },
        },
        { 'request-id': requestId },
      );
    },
  };
}

/**
 * The authorizer lets every request with credentials through and says who the caller is (so that a bad key gets the
 * API's own 401 body, which HTTP API authorizers cannot shape); this middleware enforces it.
 */
function apiKeyPrincipal(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      const context = request.event.requestContext?.authorizer?.lambda;
      if (!context?.tenantId || !context.apiKeyId || !context.mode) throw new AuthenticationError();
      (request.event as ApiRequest).principal = {
        tenantId: context.tenantId,
        apiKeyId: context.apiKeyId,
        mode: context.mode,
        ...(context.createdBy ? { createdBy: context.createdBy } : {}),
      };
    },
  };
}

/** The request's JSON body (undefined when empty); 413 above `maxBytes`, 400 when not JSON. */
export function readJsonBody(event: ApiEvent, maxBytes: number = DEFAULT_MAX_BODY_BYTES): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new AppError(
      'invalid_request_error',
      'payload_too_large',
      `The body is larger than ${maxBytes} bytes.`,
      {
        statusCode: 413,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    throw new AppError('invalid_request_error', 'invalid_json', 'The body is not valid JSON.', {
      param: 'body',
    });
  }
  const hidden = hiddenCharacterAt(parsed);
  if (hidden) throw new ValidationError([{ param: hidden.path || 'body', message: hidden.message }]);
  return parsed;
}

function jsonBody(maxBytes: number): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      (request.event as ApiRequest).json = readJsonBody(request.event, maxBytes);
    },
  };
}

export interface ApiHandlerOptions {
  /** Require an API key (default true). */
  auth?: boolean;
  /** Parse a JSON body no larger than this many bytes. */
  body?: { maxBytes?: number };
  /** Count the request against the tenant's limit for this kind of request (429 when over it). */
  rateLimit?: { action: RateLimitedAction; limits: Pick<RateLimits, 'take'> };
}

/** The tenant's per-second limit, checked once the caller is known and before anything is read. */
function tenantRateLimit(
  options: NonNullable<ApiHandlerOptions['rateLimit']>,
): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      await options.limits.take((request.event as ApiRequest).principal.tenantId, options.action);
    },
  };
}

/** Middleware first, handler last: every API function is built here, so none repeats the plumbing. */
export function apiHandler(
  options: ApiHandlerOptions,
  handler: (request: ApiRequest, context: Context) => Promise<ApiResult>,
) {
  const chain = middy<ApiEvent, ApiResult>().use(injectLambdaContext(logger)).use(apiErrors());
  if (options.auth !== false) chain.use(apiKeyPrincipal());
  if (options.rateLimit) chain.use(tenantRateLimit(options.rateLimit));
  if (options.body) chain.use(jsonBody(options.body.maxBytes ?? DEFAULT_MAX_BODY_BYTES));
  return chain.handler((event, context) => handler(event as ApiRequest, context));
}

/** The caller of an API request: its API key, tenant, source IP and request id (for the audit log). */
export function callerOf(request: ApiRequest): Caller {
  return {
    tenantId: request.principal.tenantId,
    actor: {
      type: 'api_key',
      id: request.principal.apiKeyId,
      createdBy: request.principal.createdBy ?? null,
    },
    sourceIp: request.requestContext?.http?.sourceIp ?? null,
    requestId: request.requestContext?.requestId ?? null,
  };
}

/** Validates `value` against `schema` or throws a 400 naming every bad field. */
export function parse<S extends z.ZodMiniType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value ?? (prefix ? {} : undefined));
  if (!result.success) throw new ValidationError(toFieldProblems(result.error, prefix));
  return result.data;
}

/** The `Idempotency-Key` header, required on every creating POST. */
export function requireIdempotencyKey(
  event: { headers?: Record<string, string | undefined> },
  schema: z.ZodMiniType<string>,
): string {
  const value = event.headers?.['idempotency-key'];
  if (value === undefined || value === '') {
    throw new AppError(
      'invalid_request_error',
      'idempotency_key_missing',
      'The Idempotency-Key header is required: send a unique value per payout (e.g. a UUID).',
      { param: 'Idempotency-Key' },
    );
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError([
      { param: 'Idempotency-Key', message: result.error.issues[0]?.message ?? 'is invalid' },
    ]);
  }
  return result.data;
}
