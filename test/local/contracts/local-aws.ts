import type { Server } from 'node:http';
import { createAwsJsonEndpoint } from '../../../local/aws/aws-json-endpoint.js';
import { createLocalCognito } from '../../../local/aws/local-cognito.js';
import { createLocalEventBridge } from '../../../local/aws/local-eventbridge.js';
import { createLocalKms } from '../../../local/aws/local-kms.js';
import { createLocalSqs } from '../../../local/aws/local-sqs.js';
import { createLocalStepFunctions } from '../../../local/aws/local-stepfunctions.js';

/** The local credentials the platform's functions sign with (LOCAL_AWS_ENV). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What an SDK client needs to talk to a local endpoint, as the platform's functions configure it. */
export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
});

export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    });
  });
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}

/**
 * The local AWS JSON endpoint with fresh emulators behind it, as `startLocalPlatform` wires them, but
 * without DynamoDB or functions: what a contract test drives with the SDK clients.
 */
export async function startLocalAws(
  options: { now?: () => number; invoke?: (functionName: string, payload: unknown) => Promise<unknown> } = {},
) {
  let endpoint = '';
  const sqs = createLocalSqs({ endpoint: () => endpoint, now: options.now });
  const eventBridge = createLocalEventBridge({ sqs });
  const cognito = await createLocalCognito({ issuer: () => `${endpoint}/local_pool` });
  const stepFunctions = createLocalStepFunctions({
    invoke: options.invoke ?? (async () => ({})),
  });
  const kms = createLocalKms();
  const server = createAwsJsonEndpoint({ sqs, eventBridge, cognito, stepFunctions, kms });
  endpoint = await listen(server);
  return {
    endpoint,
    config: clientConfig(endpoint),
    sqs,
    eventBridge,
    cognito,
    stepFunctions,
    kms,
    async stop() {
      await stepFunctions.stopAll();
      await close(server);
    },
  };
}

export type LocalAws = Awaited<ReturnType<typeof startLocalAws>>;

/** The error a promise rejects with (a test fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to be refused, and it succeeded');
}
