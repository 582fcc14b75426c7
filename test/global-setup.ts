import type { TestProject } from 'vitest/node';
import { buildPortalIfStale } from '../local/build-portal.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../local/dynamodb-local.js';

let dynamo: DynamoDbLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The browser tests serve the portal and the stack tests deploy it: build it once, if stale.
  await buildPortalIfStale(() => undefined);
  dynamo = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
