import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { LocalCognito } from './local-cognito.js';
import type { LocalEventBridge, PutEventsEntry } from './local-eventbridge.js';
import { callerOf, isLocalCredential, type LocalCaller, senderIdOf } from './local-identity.js';
import type { LocalKms } from './local-kms.js';
import { type LocalSqs, SQS_LIMITS, SqsError } from './local-sqs.js';
import type { LocalStepFunctions } from './local-stepfunctions.js';

/**
 * One local HTTP endpoint speaking the AWS JSON protocol (`X-Amz-Target`) for the calls our handlers
 * make through the real SDK clients: EventBridge `PutEvents` and SQS `ChangeMessageVisibility`,
 * `SendMessage`, `SendMessageBatch`, `ReceiveMessage`, `DeleteMessage` (the outbox recovery reads the
 * stream's DLQ), `DeleteMessageBatch`, `GetQueueUrl`, each with the service's limits (see SQS_LIMITS
 * and EVENTBRIDGE_LIMITS), the Cognito user pool calls, and KMS `Encrypt` /
 * `Decrypt` (webhook signing secrets). The local runtime points `AWS_ENDPOINT_URL_EVENTBRIDGE` and
 * `AWS_ENDPOINT_URL_SQS` here, so the handlers carry no local-only code.
 */
/** The SQS client checks the MD5 of every body it sent against the service's answer. */
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

const COGNITO_TARGET = 'AWSCognitoIdentityProviderService.';

/** ReceiveMessage's parameters as SQS bounds them: 1–10 messages, 12 hours, 20 s of long polling. */
function checkReceive(max: number, visibilityTimeout: number | undefined, waitSeconds: number | undefined) {
  const bounds: [string, number | undefined, number, number][] = [
    ['MaxNumberOfMessages', max, 1, SQS_LIMITS.receiveMessages],
    ['VisibilityTimeout', visibilityTimeout, 0, SQS_LIMITS.visibilitySeconds],
    ['WaitTimeSeconds', waitSeconds, 0, 20],
  ];
  for (const [name, value, min, limit] of bounds)
    if (value !== undefined && (value < min || value > limit))
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${value} for parameter ${name} is invalid. Reason: Must be between ${min} and ${limit}, if provided.`,
      );
}

/** Cognito's answer to a caller that may not run an operation: 403 NotAuthorizedException. */
export function refuseCognitoOperation(response: ServerResponse, message: string): void {
  response.writeHead(403, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': 'NotAuthorizedException',
  });
  response.end(JSON.stringify({ __type: 'NotAuthorizedException', message }));
}

/** Runs one AWS JSON protocol call against the Cognito emulator (also what `/local-idp` serves). */
export async function callCognito(
  cognito: LocalCognito,
  target: string,
  body: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const headers = { 'content-type': 'application/x-amz-json-1.1' };
  try {
    const output = await cognito.call(target.slice(COGNITO_TARGET.length), JSON.parse(body || '{}'));
    return { status: 200, headers, body: JSON.stringify(output) };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'InternalErrorException';
    return {
      status: 400,
      headers: { ...headers, 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, message: (error as Error).message }),
    };
  }
}

export function createAwsJsonEndpoint(deps: {
  sqs: LocalSqs;
  eventBridge: LocalEventBridge;
  cognito: LocalCognito;
  stepFunctions: LocalStepFunctions;
  kms: LocalKms;
}): Server {
  const queueName = (url: unknown) => String(url).split('/').pop() as string;
  const operations: Record<string, (input: never, caller: LocalCaller) => unknown> = {
    'AWSEvents.PutEvents': (input: { Entries?: PutEventsEntry[] }, caller: LocalCaller) => {
      const entries = deps.eventBridge.putEvents(input.Entries as PutEventsEntry[], caller.account);
      return {
        FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length,
        Entries: entries,
      };
    },
    'AmazonSQS.ChangeMessageVisibility': (input: { ReceiptHandle: string; VisibilityTimeout: number }) => {
      deps.sqs.changeVisibility(input.ReceiptHandle, input.VisibilityTimeout);
      return {};
    },
    'AmazonSQS.SendMessage': (
      input: { QueueUrl: string; MessageBody: string; DelaySeconds?: number },
      caller: LocalCaller,
    ) => ({
      MessageId: deps.sqs.send(
        queueName(input.QueueUrl),
        input.MessageBody,
        input.DelaySeconds ?? 0,
        senderIdOf(caller),
      ),
      MD5OfMessageBody: md5(input.MessageBody),
    }),
    'AmazonSQS.SendMessageBatch': (
      input: {
        QueueUrl: string;
        Entries: { Id: string; MessageBody: string; DelaySeconds?: number }[];
      },
      caller: LocalCaller,
    ) => {
      const { Successful, Failed } = deps.sqs.sendBatch(
        queueName(input.QueueUrl),
        input.Entries,
        senderIdOf(caller),
      );
      return {
        Successful: Successful.map((entry) => ({
          Id: entry.Id,
          MessageId: entry.MessageId,
          MD5OfMessageBody: md5(entry.body),
        })),
        Failed,
      };
    },
    'AmazonSQS.ReceiveMessage': (input: {
      QueueUrl: string;
      MaxNumberOfMessages?: number;
      VisibilityTimeout?: number;
      WaitTimeSeconds?: number;
    }) => {
      const max = input.MaxNumberOfMessages ?? 1;
      checkReceive(max, input.VisibilityTimeout, input.WaitTimeSeconds);
      const records = deps.sqs.receive(queueName(input.QueueUrl), max);
      if (input.VisibilityTimeout !== undefined)
        for (const record of records)
          deps.sqs.changeVisibility(record.receiptHandle, input.VisibilityTimeout);
      return {
        Messages: records.map((record) => ({
          MessageId: record.messageId,
          ReceiptHandle: record.receiptHandle,
          Body: record.body,
          MD5OfBody: md5(record.body),
        })),
      };
    },
    'AmazonSQS.DeleteMessage': (input: { ReceiptHandle: string }) => {
      deps.sqs.delete(input.ReceiptHandle);
      return {};
    },
    'AmazonSQS.DeleteMessageBatch': (input: { Entries: { Id: string; ReceiptHandle: string }[] }) =>
      deps.sqs.deleteBatch(input.Entries),
    'AmazonSQS.GetQueueUrl': (input: { QueueName: string }) => ({
      QueueUrl: deps.sqs.queueUrl(input.QueueName),
    }),
    'AWSStepFunctions.StartExecution': (input: never) => deps.stepFunctions.startExecution(input),
    'AWSStepFunctions.SendTaskSuccess': (input: never) => deps.stepFunctions.sendTaskSuccess(input),
    'AWSStepFunctions.SendTaskFailure': (input: never) => deps.stepFunctions.sendTaskFailure(input),
    'AWSStepFunctions.DescribeExecution': (input: never) => deps.stepFunctions.describeExecution(input),
    'TrentService.Encrypt': (input: never) => deps.kms.encrypt(input),
    'TrentService.Decrypt': (input: never) => deps.kms.decrypt(input),
  };

  return createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target.startsWith(COGNITO_TARGET)) {
        // Cognito's admin API needs IAM credentials: here, the local ones (as the platform's functions use).
        if (/\.Admin/.test(target) && !isLocalCredential(request.headers.authorization)) {
          refuseCognitoOperation(response, 'Admin operations need the local AWS credentials.');
          return;
        }
        const answer = await callCognito(deps.cognito, target, Buffer.concat(chunks).toString('utf8'));
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
        return;
      }
      const contentType =
        target.startsWith('AWSEvents') || target.startsWith('TrentService')
          ? 'application/x-amz-json-1.1'
          : 'application/x-amz-json-1.0';
      const operation = operations[target];
      try {
        if (!operation)
          throw Object.assign(new Error(`${target || 'This operation'} is not emulated locally`), {
            code: 'UnknownOperationException',
          });
        const output = operation(
          JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as never,
          callerOf(request.headers.authorization),
        );
        response.writeHead(200, { 'content-type': contentType });
        response.end(JSON.stringify(output));
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'InternalFailure';
        // SQS answers in JSON with its query-compatible code alongside (what the SDK maps to its exceptions).
        const queryCode = (error as { queryCode?: string }).queryCode ?? code;
        response.writeHead(400, { 'content-type': contentType, 'x-amzn-query-error': `${queryCode};Sender` });
        response.end(JSON.stringify({ __type: code, message: (error as Error).message }));
      }
    });
  });
}
