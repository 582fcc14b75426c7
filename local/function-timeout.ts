import type { Context } from 'aws-lambda';
import type { LambdaHandler } from './api-gateway.js';

/** Lambda's timeout when a function sets none (what infra/constructs/payouts-function.ts deploys). */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

/**
 * What Lambda reports when an invocation runs past its function's timeout (`errorType`
 * `Sandbox.Timedout`, "Task timed out after 3.00 seconds"): the invocation fails, so an event source
 * retries it (a queue's message comes back after its visibility timeout) and API Gateway answers 500.
 */
export class FunctionTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutSeconds: number,
  ) {
    super(`${functionName}: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

/**
 * A handler run as Lambda runs it under its function's timeout: the context's
 * `getRemainingTimeInMillis` counts down from the timeout, and an invocation still running when it
 * reaches 0 fails with {@link FunctionTimeoutError}. Lambda then stops the work itself; here the
 * handler's promise cannot be cancelled, so it runs on in the background and its result is ignored
 * (its writes still happen, as the writes made before a timeout do in AWS).
 */
export function withFunctionTimeout(
  functionName: string,
  handler: LambdaHandler,
  timeoutSeconds: number,
): LambdaHandler {
  return (event, context: Context) => {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const timed: Context = { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(functionName, timeoutSeconds)),
        timeoutSeconds * 1000,
      );
    });
    return Promise.race([Promise.resolve().then(() => handler(event, timed)), timedOut]).finally(() =>
      clearTimeout(timer),
    );
  };
}
