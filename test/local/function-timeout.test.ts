import type { Server } from 'node:http';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalApiGateway, type LambdaHandler, lambdaContext } from '../../local/api-gateway.js';
import { createLocalSqs } from '../../local/aws/local-sqs.js';
import { FunctionTimeoutError, withFunctionTimeout } from '../../local/function-timeout.js';
import { loadHandlers } from '../../local/runtime.js';
import { close, listen } from './contracts/local-aws.js';

/**
 * Functions run locally under their topology timeout, as in Lambda: the context counts down from it,
 * and an invocation that outlives it fails (`Sandbox.Timedout`), so a queue redelivers its message and
 * API Gateway answers 500. Timeouts here are tens of milliseconds, not the topology's 10–900 s.
 */
const never = () => new Promise<never>(() => undefined);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a function under its timeout', () => {
  it('fails an invocation that runs past the timeout, as Lambda reports it', async () => {
    const handler = withFunctionTimeout('slow', never, 0.05);

    const error = await handler({}, lambdaContext('slow')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FunctionTimeoutError);
    expect(error).toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'slow: Task timed out after 0.05 seconds',
    });
  });

  it("gives the handler the function's remaining time, not a fixed 30 s", async () => {
    let remaining = -1;
    const handler = withFunctionTimeout(
      'quick',
      async (_event, context: Context) => {
        remaining = context.getRemainingTimeInMillis();
        return 'done';
      },
      2,
    );

    const result = await handler({}, lambdaContext('quick', 'req-1'));

    expect(result).toBe('done');
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(2000);
  });

  it("passes a handler's own error through unchanged, and keeps the request id", async () => {
    let requestId = '';
    const handler = withFunctionTimeout(
      'failing',
      async (_event, context: Context) => {
        requestId = context.awsRequestId;
        throw new Error('boom');
      },
      1,
    );

    await expect(handler({}, lambdaContext('failing', 'req-2'))).rejects.toThrow('boom');
    expect(requestId).toBe('req-2');
  });

  it('the runtime loads every function under its own topology timeout (the default where it sets none)', async () => {
    const specs = [
      { name: 'tight', description: '', timeoutSeconds: 0.05 },
      { name: 'default', description: '' },
    ];
    const handlers = await loadHandlers(specs, async () => never);

    const tight = await (handlers.get('tight') as LambdaHandler)({}, lambdaContext('tight')).catch(
      (caught: Error) => caught.message,
    );
    let defaultRemaining = 0;
    const probe = await loadHandlers(
      [specs[1] as never],
      async () => async (_event: unknown, context: Context) => {
        defaultRemaining = context.getRemainingTimeInMillis();
      },
    );
    await (probe.get('default') as LambdaHandler)({}, lambdaContext('default'));

    expect(tight).toBe('tight: Task timed out after 0.05 seconds');
    expect(defaultRemaining).toBeGreaterThan(9_000);
    expect(defaultRemaining).toBeLessThanOrEqual(10_000);
  });
});

describe('what a timeout does to the event sources', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await close(server);
    server = undefined;
  });

  it('an SQS consumer that times out gets its message again after the visibility timeout', async () => {
    const sqs = createLocalSqs();
    sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 0.1 });
    sqs.send('q', 'job');
    const receiveCounts: string[] = [];
    const errors: unknown[] = [];
    sqs.addConsumer({
      queue: 'q',
      functionName: 'worker',
      batchSize: 1,
      maxConcurrency: 1,
      handler: withFunctionTimeout(
        'worker',
        async (event) => {
          const count = event.Records[0].attributes.ApproximateReceiveCount;
          receiveCounts.push(count);
          if (count === '1') await never(); // the first attempt hangs past the timeout
          return { batchItemFailures: [] };
        },
        0.05,
      ),
      onError: (error) => errors.push(error),
    });

    for (let polls = 0; polls < 100 && sqs.depth('q').visible + sqs.depth('q').inFlight > 0; polls++)
      await wait(20);
    await sqs.stopAll();

    expect(receiveCounts).toEqual(['1', '2']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FunctionTimeoutError);
    expect(sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
  });

  it('API Gateway answers 500 when the route’s function times out', async () => {
    server = createLocalApiGateway({
      routes: [{ method: 'GET', path: '/v1/slow', function: 'slow', auth: 'none' } as never],
      handlerOf: (name) => withFunctionTimeout(name, never, 0.05),
      authorizer: 'authorizer',
    });
    const url = await listen(server);

    const response = await fetch(`${url}/v1/slow`);

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });
});
