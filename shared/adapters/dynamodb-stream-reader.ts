import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamRange, StreamReader } from '../ports/outbox.js';

/** A DynamoDB Streams record in the shape Lambda hands to a stream consumer. */
export function toLambdaRecord(record: StreamRecord, streamArn: string, region: string): DynamoDBRecord {
  const change = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: change.ApproximateCreationDateTime
        ? Math.floor(change.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: change.Keys as never,
      NewImage: change.NewImage as never,
      OldImage: change.OldImage as never,
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType as never,
    },
  };
}

/** Stream sequence numbers are decimal strings of up to 40 digits: compared as numbers. */
const after = (a: string, b: string) => BigInt(a) > BigInt(b);

/** Pages read for one range before giving up for this run (an open shard can answer many empty pages). */
const MAX_PAGES = 200;

/**
 * Reads a range of the table's stream again (the outbox recovery's replay): from its first record to
 * its last, whatever the relay's filters would skip (the relay ignores what it does not relay). It
 * succeeds only when it saw the range's last record (or the shard ended): GetRecords may answer empty
 * pages before records, so a read that stops early throws and is tried again on a later run, never
 * passed off as the whole range. A range older than the stream's 24 hours is `expired`.
 */
export function createDynamoStreamReader(
  deps: { client?: DynamoDBStreamsClient; region?: string } = {},
): StreamReader {
  const client = deps.client ?? new DynamoDBStreamsClient({});
  const region = deps.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    async read(range: StreamRange) {
      const records: DynamoDBRecord[] = [];
      let iterator: string | undefined;
      try {
        ({ ShardIterator: iterator } = await client.send(
          new GetShardIteratorCommand({
            StreamArn: range.streamArn,
            ShardId: range.shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            SequenceNumber: range.startSequenceNumber,
          }),
        ));
      } catch (error) {
        if (error instanceof TrimmedDataAccessException || error instanceof ResourceNotFoundException)
          return { expired: true };
        throw error;
      }
      for (let page = 0; page < MAX_PAGES; page++) {
        // The shard ended (closed, read to its end) before the range's end: the range is complete.
        if (!iterator) return { records };
        const answer = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        iterator = answer.NextShardIterator;
        for (const record of answer.Records ?? []) {
          const sequence = record.dynamodb?.SequenceNumber ?? '0';
          if (after(sequence, range.endSequenceNumber)) return { records };
          records.push(toLambdaRecord(record, range.streamArn, region));
          if (sequence === range.endSequenceNumber) return { records };
        }
      }
      throw new Error(
        `Stream range ${range.shardId} ${range.startSequenceNumber}…${range.endSequenceNumber}: its end was not reached in ${MAX_PAGES} pages`,
      );
    },
  };
}
