import { LOCAL_NAMES, queueArnVariable, queueUrlVariable } from '../shared/config.js';
import { QUEUE_NAMES } from '../shared/topology.js';

/**
 * The environment a function's bundle is loaded with outside Lambda (`bench:bundles`, the bundling
 * test): the stage, a table name and every binding the stack gives a function, with placeholder
 * values. A binding left out fails at cold start, in AWS as here.
 */
export function coldStartEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    PAYOUTS_TABLE_NAME: 'bench',
    PAYOUTS_STAGE: 'aws',
    ...Object.fromEntries(
      QUEUE_NAMES.flatMap((queue) => [
        [queueUrlVariable(queue), `https://sqs.us-east-1.amazonaws.com/000000000000/${queue}`],
        [queueArnVariable(queue), `arn:aws:sqs:us-east-1:000000000000:${queue}`],
      ]),
    ),
    // The resource bindings (bus, buckets, user pool), under the names they have locally.
    ...LOCAL_NAMES,
    PAYOUTS_STREAM_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/stream-dlq',
    PAYOUTS_APPROVAL_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
