import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toLambdaRecord as lambdaRecordOf } from '../shared/adapters/dynamodb-stream-reader.js';
import type { StreamRange } from '../shared/ports/outbox.js';
import { lambdaContext } from './api-gateway.js';
import { matchesEventPattern } from './aws/event-pattern.js';
import { LOCAL_AWS_ENV, localDynamoClient } from './dynamodb-local.js';

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  functionName: string;
  handler: (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;
  batchSize: number;
  /** Lambda event filters: a record matching none of them is skipped, as Lambda does. */
  filterPatterns?: readonly Record<string, unknown>[];
  pollIntervalMs?: number;
  /**
   * Chaos: the probability that an invocation is "killed" after the handler did its work but before
   * the position advanced, so the same batch is delivered again (as after a Lambda crash).
   */
  killAfterHandlerRate?: number;
  /**
   * Lambda's `retryAttempts`: a batch that failed this many times more is given up on, its range
   * handed to `onFailure` (the on-failure destination, the stream's DLQ), and the shard moves on.
   * Unset: retried until it passes.
   */
  retryAttempts?: number;
  onFailure?: (record: { DDBStreamBatchInfo: StreamRange & { batchSize: number } }) => void;
  onError?: (error: unknown) => void;
}

/** The longest pause between two reads of an idle stream. */
const IDLE_POLL_CAP_MS = 250;

interface ShardState {
  shardId: string;
  iterator: string | undefined;
  /** Records read but not yet acknowledged by the handler. */
  pending: StreamRecord[];
  /** Sequence number of the last record read, to get a fresh iterator after a failed read. */
  readUpTo: string | undefined;
  /** Failed invocations of the batch at the head of `pending`. */
  failures: number;
}

function passesFilters(
  record: DynamoDBRecord,
  patterns: readonly Record<string, unknown>[] | undefined,
): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((pattern) =>
    matchesEventPattern(pattern, record as unknown as Record<string, unknown>),
  );
}

/**
 * A local stand-in for Lambda's DynamoDB Streams event source mapping: reads DynamoDB Local's stream
 * from the start (TRIM_HORIZON) and hands batches to the same relay handler Lambda runs, shard by
 * shard, in order. A batch whose handler fails is delivered again, whole, after a short pause, and
 * the shard does not advance until it passes: the at-least-once contract the relay relies on.
 */
export function startStreamPoller(options: StreamPollerOptions): { stop(): Promise<void> } {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: {
      accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
  const dynamo = localDynamoClient(options.endpoint);
  const shards = new Map<string, ShardState>();
  // Right after records, the next read follows at once (a backlog) or after the shortest pause; an
  // idle stream is read less and less often, down to Lambda's own pace (about 4 reads a second).
  // DynamoDB Local's GetRecords costs grow with every stream record it holds (every table's): a
  // test run's shared instance spent a core answering idle reads before this (D57).
  const shortest = options.pollIntervalMs ?? 100;
  const longest = Math.max(shortest, IDLE_POLL_CAP_MS);
  let interval = shortest;
  let stopped = false;
  let streamArn: string | undefined;

  async function discoverShards(): Promise<void> {
    if (!streamArn) {
      const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
    }
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      shards.set(shard.ShardId, {
        shardId: shard.ShardId,
        iterator: ShardIterator,
        pending: [],
        readUpTo: undefined,
        failures: 0,
      });
    }
  }

  const readPage = (iterator: string) =>
    streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.batchSize }));

  async function freshIterator(state: ShardState): Promise<string | undefined> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn as string,
        ShardId: state.shardId,
        ...(state.readUpTo
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.readUpTo }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  }

  /** Reads and hands over one shard's next records; returns how many it handled. */
  async function pollShard(state: ShardState): Promise<number> {
    let handled = 0;
    while (state.pending.length < options.batchSize && state.iterator) {
      let page: Awaited<ReturnType<typeof readPage>>;
      try {
        page = await readPage(state.iterator);
      } catch (error) {
        // An iterator that expired or was refused: continue right after the last record read.
        state.iterator = await freshIterator(state);
        throw error;
      }
      state.iterator = page.NextShardIterator;
      state.pending.push(...(page.Records ?? []));
      state.readUpTo = page.Records?.at(-1)?.dynamodb?.SequenceNumber ?? state.readUpTo;
      if ((page.Records ?? []).length === 0) break;
    }
    while (state.pending.length > 0 && !stopped) {
      const batch = state.pending.slice(0, options.batchSize);
      const records = batch
        .map((record) => lambdaRecordOf(record, streamArn as string, LOCAL_AWS_ENV.AWS_REGION))
        .filter((record) => passesFilters(record, options.filterPatterns));
      try {
        // Lambda does not invoke the function for a batch its filters emptied.
        if (records.length > 0)
          await options.handler({ Records: records }, lambdaContext(options.functionName));
        if (Math.random() < (options.killAfterHandlerRate ?? 0)) {
          throw new Error('chaos: relay killed after its work, before its position advanced');
        }
      } catch (error) {
        state.failures += 1;
        if (options.retryAttempts === undefined || state.failures <= options.retryAttempts) throw error;
        // Retries spent: the range goes to the on-failure destination and the shard moves on.
        options.onFailure?.({
          DDBStreamBatchInfo: {
            streamArn: streamArn as string,
            shardId: state.shardId,
            startSequenceNumber: batch[0]?.dynamodb?.SequenceNumber ?? '0',
            endSequenceNumber: batch.at(-1)?.dynamodb?.SequenceNumber ?? '0',
            batchSize: batch.length,
          },
        });
      }
      state.failures = 0;
      state.pending.splice(0, batch.length);
      handled += batch.length;
    }
    return handled;
  }

  const loop = (async () => {
    let sinceDiscovery = Number.POSITIVE_INFINITY;
    while (!stopped) {
      try {
        if (sinceDiscovery++ >= 20) {
          await discoverShards();
          sinceDiscovery = 0;
        }
        // Shards in parallel, each in order: Lambda runs one invocation per shard at a time.
        const rounds = await Promise.allSettled([...shards.values()].map(pollShard));
        let handled = 0;
        for (const round of rounds) {
          if (round.status === 'fulfilled') handled += round.value;
          else options.onError?.(round.reason);
        }
        // Pause only when the stream is idle (or failing): a backlog is read without waiting.
        if (handled > 0 && rounds.every((round) => round.status === 'fulfilled')) {
          interval = shortest;
          continue;
        }
        interval = handled > 0 ? shortest : Math.min(longest, interval * 2);
      } catch (error) {
        options.onError?.(error);
      }
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      streams.destroy();
      dynamo.destroy();
    },
  };
}
