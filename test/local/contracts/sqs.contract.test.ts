import {
  BatchEntryIdsNotDistinct,
  BatchRequestTooLong,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  InvalidMessageContents,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SQS_LIMITS } from '../../../local/aws/local-sqs.js';
import { createSqsDeliveryQueue } from '../../../shared/adapters/sqs-delivery-queue.js';
import { createSqsStreamDeadLetters } from '../../../shared/adapters/sqs-stream-dead-letters.js';
import { type LocalAws, rejectionOf, startLocalAws } from './local-aws.js';

/**
 * The local SQS against SQS's documented behaviour, driven by the SDK client the platform's functions
 * use. Limits: API Reference (SendMessage, SendMessageBatch, DeleteMessageBatch, ReceiveMessage,
 * ChangeMessageVisibility) and "Amazon SQS message quotas" in the Developer Guide.
 */
let aws: LocalAws;
let client: SQSClient;
let clock = Date.now();
const QueueUrl = () => aws.sqs.queueUrl('q');

beforeAll(async () => {
  aws = await startLocalAws({ now: () => clock });
  client = new SQSClient(aws.config);
});
afterAll(() => aws.stop());
beforeEach(() => {
  clock = Date.now();
  aws.sqs.createQueue({ name: 'q', visibilityTimeoutSeconds: 30 });
});

const entries = (count: number, body = 'x') =>
  Array.from({ length: count }, (_, index) => ({ Id: `m${index}`, MessageBody: body }));

describe('SendMessage / ReceiveMessage / DeleteMessage', () => {
  it('delivers a message once until its visibility timeout, with the MD5 the SDK checks', async () => {
    await client.send(new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: '{"a":1}' }));

    const first = await client.send(
      new ReceiveMessageCommand({ QueueUrl: QueueUrl(), MaxNumberOfMessages: 10 }),
    );
    const again = await client.send(
      new ReceiveMessageCommand({ QueueUrl: QueueUrl(), MaxNumberOfMessages: 10 }),
    );
    await client.send(
      new DeleteMessageCommand({ QueueUrl: QueueUrl(), ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }),
    );

    expect(first.Messages?.map((message) => message.Body)).toEqual(['{"a":1}']);
    expect(again.Messages ?? []).toEqual([]);
    expect(aws.sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
  });

  it('takes a body of exactly 1 MiB and refuses one byte more (InvalidParameterValue)', async () => {
    await client.send(
      new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: 'a'.repeat(SQS_LIMITS.messageBytes) }),
    );
    const error = await rejectionOf(
      client.send(
        new SendMessageCommand({
          QueueUrl: QueueUrl(),
          MessageBody: 'a'.repeat(SQS_LIMITS.messageBytes + 1),
        }),
      ),
    );

    expect(SQS_LIMITS.messageBytes).toBe(1_048_576);
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.',
    );
    expect(aws.sqs.depth('q').visible).toBe(1);
  });

  it('counts the size in UTF-8 bytes, not characters', async () => {
    // 'é' is two bytes: half a MiB of them plus one is over the limit.
    const error = await rejectionOf(
      client.send(
        new SendMessageCommand({
          QueueUrl: QueueUrl(),
          MessageBody: 'é'.repeat(SQS_LIMITS.messageBytes / 2 + 1),
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('refuses characters outside XML’s (InvalidMessageContents) and an empty body', async () => {
    const control = await rejectionOf(
      client.send(new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: 'bell\u0007' })),
    );
    const empty = await rejectionOf(
      client.send(new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: '' })),
    );

    expect(control).toBeInstanceOf(InvalidMessageContents);
    expect(empty.name).toBe('MissingParameter');
    expect(aws.sqs.depth('q').visible).toBe(0);
  });

  it('refuses a delay over 15 minutes', async () => {
    const error = await rejectionOf(
      client.send(new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: 'x', DelaySeconds: 901 })),
    );
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'Value 901 for parameter DelaySeconds is invalid. Reason: Must be between 0 and 900, if provided.',
    );
  });

  it('receives at most 10 messages a call', async () => {
    const error = await rejectionOf(
      client.send(new ReceiveMessageCommand({ QueueUrl: QueueUrl(), MaxNumberOfMessages: 11 })),
    );
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
  });

  it('answers QueueDoesNotExist for an unknown queue', async () => {
    const error = await rejectionOf(
      client.send(new SendMessageCommand({ QueueUrl: aws.sqs.queueUrl('missing'), MessageBody: 'x' })),
    );
    expect(error).toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('SendMessageBatch', () => {
  it('sends 10 entries and answers each by its id', async () => {
    const result = await client.send(
      new SendMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: entries(10) }),
    );

    expect(result.Successful?.map((entry) => entry.Id)).toEqual(entries(10).map((entry) => entry.Id));
    expect(result.Failed).toEqual([]);
    expect(aws.sqs.depth('q').visible).toBe(10);
  });

  it('refuses 11 entries as a whole: AWS.SimpleQueueService.TooManyEntriesInBatchRequest', async () => {
    const error = await rejectionOf(
      client.send(new SendMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: entries(11) })),
    );

    expect(error).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(error.Code).toBe('AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
    expect(error.message).toBe('Maximum number of entries per request are 10. You have sent 11.');
    expect(aws.sqs.depth('q').visible).toBe(0);
  });

  it('refuses no entries, repeated ids and ids SQS does not allow', async () => {
    const empty = await rejectionOf(
      client.send(new SendMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: [] })),
    );
    const repeated = await rejectionOf(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: QueueUrl(),
          Entries: [
            { Id: 'same', MessageBody: 'a' },
            { Id: 'same', MessageBody: 'b' },
          ],
        }),
      ),
    );
    const dotted = await rejectionOf(
      client.send(
        new SendMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: [{ Id: 'evt.1', MessageBody: 'a' }] }),
      ),
    );
    const long = await rejectionOf(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: QueueUrl(),
          Entries: [{ Id: 'i'.repeat(81), MessageBody: 'a' }],
        }),
      ),
    );

    expect(empty).toBeInstanceOf(EmptyBatchRequest);
    expect(repeated).toBeInstanceOf(BatchEntryIdsNotDistinct);
    expect(dotted).toBeInstanceOf(InvalidBatchEntryId);
    expect(long).toBeInstanceOf(InvalidBatchEntryId);
    expect(aws.sqs.depth('q').visible).toBe(0);
  });

  it('refuses a batch whose bodies sum to more than 1 MiB (BatchRequestTooLong)', async () => {
    const half = 'b'.repeat(SQS_LIMITS.messageBytes / 2);
    const error = await rejectionOf(
      client.send(
        new SendMessageBatchCommand({
          QueueUrl: QueueUrl(),
          Entries: [...entries(2, half), { Id: 'one-more', MessageBody: 'c' }],
        }),
      ),
    );
    expect(error).toBeInstanceOf(BatchRequestTooLong);
    expect(aws.sqs.depth('q').visible).toBe(0);
  });

  it('reports an entry refused on its own in Failed and sends the others', async () => {
    const result = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: QueueUrl(),
        Entries: [
          { Id: 'ok', MessageBody: 'a' },
          { Id: 'late', MessageBody: 'b', DelaySeconds: 901 },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['ok']);
    expect(result.Failed).toEqual([
      {
        Id: 'late',
        Code: 'InvalidParameterValue',
        Message:
          'Value 901 for parameter DelaySeconds is invalid. Reason: Must be between 0 and 900, if provided.',
        SenderFault: true,
      },
    ]);
  });

  it('the webhook delivery queue sends 25 messages in batches AWS accepts', async () => {
    const queue = createSqsDeliveryQueue({ queueUrl: QueueUrl(), client });
    const messages = Array.from({ length: 25 }, (_, index) => ({ n: index }));

    await queue.enqueue(messages as never);

    const bodies = aws.sqs.receive('q', 100).map((record) => JSON.parse(record.body).n);
    expect(bodies.sort((a, b) => a - b)).toEqual(messages.map((message) => message.n));
  });
});

describe('DeleteMessageBatch', () => {
  it('deletes up to 10 and refuses 11 (TooManyEntriesInBatchRequest)', async () => {
    await client.send(new SendMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: entries(2) }));
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl: QueueUrl(), MaxNumberOfMessages: 2 }),
    );
    const handles = (received.Messages ?? []).map((message, index) => ({
      Id: `d${index}`,
      ReceiptHandle: message.ReceiptHandle,
    }));

    const tooMany = await rejectionOf(
      client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: QueueUrl(),
          Entries: Array.from({ length: 11 }, (_, index) => ({ Id: `d${index}`, ReceiptHandle: 'r' })),
        }),
      ),
    );
    const deleted = await client.send(
      new DeleteMessageBatchCommand({ QueueUrl: QueueUrl(), Entries: handles }),
    );

    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['d0', 'd1']);
    expect(aws.sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
  });
});

describe('ChangeMessageVisibility', () => {
  async function receiveOne(): Promise<string> {
    await client.send(new SendMessageCommand({ QueueUrl: QueueUrl(), MessageBody: 'x' }));
    const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: QueueUrl() }));
    return Messages?.[0]?.ReceiptHandle as string;
  }

  it('refuses a timeout over 12 hours (43,200 s)', async () => {
    const handle = await receiveOne();
    const error = await rejectionOf(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: QueueUrl(),
          ReceiptHandle: handle,
          VisibilityTimeout: 43_201,
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.message).toBe(
      'Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.',
    );
  });

  it('counts the 12 hours from the latest receive: an hour later, 11 hours is the most', async () => {
    const handle = await receiveOne();
    clock += 3600_000;

    const beyond = await rejectionOf(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: QueueUrl(),
          ReceiptHandle: handle,
          VisibilityTimeout: 39_601,
        }),
      ),
    );
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: QueueUrl(),
        ReceiptHandle: handle,
        VisibilityTimeout: 39_600,
      }),
    );

    expect(beyond.name).toBe('InvalidParameterValue');
    expect(beyond.message).toBe(
      'Value 39601 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]',
    );
    expect(aws.sqs.depth('q')).toEqual({ visible: 0, inFlight: 1 });
  });

  it("the relay's dead letters: received, postponed, deleted as the outbox recovery does", async () => {
    const range = {
      streamArn: 'arn:stream',
      shardId: 's-1',
      startSequenceNumber: '1',
      endSequenceNumber: '9',
    };
    aws.sqs.send('q', JSON.stringify({ DDBStreamBatchInfo: range }));
    const letters = createSqsStreamDeadLetters({ queueUrl: QueueUrl(), client });

    const [letter] = await letters.receive(50);
    await letters.postpone(letter?.receipt as string, 0);
    const [again] = await letters.receive(50);
    await letters.delete(again?.receipt as string);

    expect(letter?.range).toEqual(range);
    expect(again?.range).toEqual(range);
    expect(aws.sqs.depth('q')).toEqual({ visible: 0, inFlight: 0 });
  });
});
