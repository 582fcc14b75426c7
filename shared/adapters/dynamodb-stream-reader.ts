import {
  DynamoDBStreamsClient,
  ExpiredIteratorException,
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

/**
 * Reads a range of the table's stream again (the outbox recovery's replay): from its first record to
 * its last, whatever the relay's filters would skip (the relay ignores what it does not relay). A
 * range older than the stream's 24 hours is `expired`.
 */
export function createDynamoStreamReader(
  deps: { client?: DynamoDBStreamsClient; region?: string } = {},
): StreamReader {
  const client = deps.client ?? new DynamoDBStreamsClient({});
  const region = deps.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    async read(range: StreamRange) {
      const records: DynamoDBRecord[] = [];
      try {
        let { ShardIterator: iterator } = await client.send(
          new GetShardIteratorCommand({
            StreamArn: range.streamArn,
            ShardId: range.shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            SequenceNumber: range.startSequenceNumber,
          }),
        );
        // An open shard answers empty pages at its end; a few in a row mean there is nothing more.
        for (let emptyPages = 0; iterator && emptyPages < 3; ) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          iterator = page.NextShardIterator;
          const found = page.Records ?? [];
          if (found.length === 0) emptyPages += 1;
          for (const record of found) {
            const sequence = record.dynamodb?.SequenceNumber ?? '0';
            if (after(sequence, range.endSequenceNumber)) return { records };
            records.push(toLambdaRecord(record, range.streamArn, region));
          }
          if (found.some((record) => record.dynamodb?.SequenceNumber === range.endSequenceNumber))
            return { records };
        }
        return { records };
      } catch (error) {
        if (
          error instanceof TrimmedDataAccessException ||
          error instanceof ResourceNotFoundException ||
          error instanceof ExpiredIteratorException
        )
          return { expired: true };
        throw error;
      }
    },
  };
}
