/**
 * The typed error hierarchy. Every error the platform raises on purpose extends {@link AppError};
 * one HTTP middleware maps them to the API's error format (see shared/http/errors.ts).
 * Anything else that escapes a handler is a bug and becomes an opaque 500.
 */

/** One problem with a request, naming the offending field. */
export interface FieldProblem {
  param: string;
  message: string;
}

export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'idempotency_error'
  | 'rate_limit_error';

const STATUS_BY_TYPE: Record<ErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  conflict_error: 409,
  idempotency_error: 422,
  rate_limit_error: 429,
};

export interface AppErrorOptions {
  param?: string;
  details?: FieldProblem[];
  /** Extra fields merged into the error body (e.g. `payout_id`). */
  extra?: Record<string, unknown>;
  statusCode?: number;
  /** Response headers the error asks for (e.g. `Retry-After` on a 429). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Base class of every deliberate error: carries the API's `type` and `code`. */
export class AppError extends Error {
  readonly statusCode: number;
  readonly param?: string;
  readonly details?: FieldProblem[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly type: ErrorType,
    readonly code: string,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.statusCode = options.statusCode ?? STATUS_BY_TYPE[type];
    this.param = options.param;
    this.details = options.details;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/** 400 listing every problem of a request; `param` is the first one. */
export class ValidationError extends AppError {
  constructor(details: FieldProblem[], options: { message?: string; extra?: Record<string, unknown> } = {}) {
    const first = details[0];
    super(
      'invalid_request_error',
      'validation_failed',
      options.message ?? (first ? `${first.param}: ${first.message}` : 'Invalid request'),
      { param: first?.param, details, extra: options.extra },
    );
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string, id: string) {
    super('not_found_error', 'resource_missing', `No such ${resource}: '${id}'`, { param: 'id' });
    this.name = 'NotFoundError';
  }
}

export class AuthenticationError extends AppError {
  constructor(message = 'Invalid or missing API key. Send it as "Authorization: Bearer sk_test_...".') {
    super('authentication_error', 'api_key_invalid', message);
    this.name = 'AuthenticationError';
  }
}

/** A status change the payout state machine does not allow. */
export class IllegalTransitionError extends AppError {
  constructor(
    readonly from: string,
    readonly to: string,
    code = 'illegal_transition',
  ) {
    super('conflict_error', code, `A payout cannot move from '${from}' to '${to}'`);
    this.name = 'IllegalTransitionError';
  }
}

/** A conditional write lost a race: the item is not in the state the writer expected. */
/** The caller is who they say, but may not do this (403). */
export class ForbiddenError extends AppError {
  constructor(message: string, code = 'forbidden') {
    super('permission_error', code, message);
    this.name = 'ForbiddenError';
  }
}

export class ConcurrentModificationError extends AppError {
  constructor(message = 'The resource was changed by another request; retry') {
    super('conflict_error', 'concurrent_modification', message);
    this.name = 'ConcurrentModificationError';
  }
}

/** The idempotency key already has a live record (carried here, as read in the failed write). */
export class IdempotencyKeyTakenError extends Error {
  constructor(readonly record: { fingerprint: string; response: { statusCode: number; body: string } }) {
    super('Idempotency key already used');
    this.name = 'IdempotencyKeyTakenError';
  }
}

/** The reference already names another payout of the tenant. */
export class ReferenceTakenError extends Error {
  constructor(readonly payoutId: string) {
    super('Reference already used');
    this.name = 'ReferenceTakenError';
  }
}

/** Another transaction on the same items was in flight; nothing was written. */
export class WriteConflictError extends Error {
  constructor(cause?: unknown) {
    super('Conflicting transaction in flight', { cause });
    this.name = 'WriteConflictError';
  }
}

/**
 * A failure that says when to try again: a provider's `Retry-After`, a webhook's retry schedule. Queue
 * consumers delay the message by exactly that (shared/sqs/batch-handler.ts) instead of backing off.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly seconds: number,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`Retry in ${seconds} s: ${reason}`, options);
    this.name = 'RetryLaterError';
  }
}
