import {
  DAILY_REPORTS_FUNCTION,
  DAILY_REPORTS_SCHEDULE,
  OUTBOX_RECOVERY_FUNCTION,
  QUEUES,
  SEPA_CUT_OFF_FUNCTION,
  STREAM_CONSUMER,
} from '../shared/topology.js';
import { type LambdaHandler, lambdaContext } from './api-gateway.js';
import type { LocalSqs } from './aws/local-sqs.js';
import { STREAM_DLQ } from './aws-services.js';
import { LOCAL_OUTBOX_RECOVERY_SECONDS } from './function-environment.js';
import type { ExecutionOptions } from './runtime.js';
import { startStreamPoller } from './stream-poller.js';

/**
 * What invokes the functions besides API requests, as Lambda's event sources and EventBridge
 * Scheduler do in AWS: a consumer per queue (the topology's batch size and concurrency), the table
 * stream's poller for the relay, and the schedules (SEPA cut-off, outbox recovery, daily reports).
 */
export function startEventSources(deps: {
  sqs: LocalSqs;
  handlerOf: (functionName: string) => LambdaHandler;
  dynamodbEndpoint: string;
  tableName: string;
  execution: ExecutionOptions;
  /** Run the daily report export at its UTC time (npm start). */
  dailyReports?: boolean;
  onError: (error: unknown) => void;
}) {
  const { sqs, handlerOf, execution, onError } = deps;
  for (const queue of QUEUES) {
    sqs.addConsumer({
      queue: queue.name,
      functionName: queue.consumer.function,
      batchSize: queue.consumer.batchSize,
      maxConcurrency: queue.consumer.maxConcurrency,
      handler: handlerOf(queue.consumer.function),
      onError,
    });
  }
  const poller = startStreamPoller({
    endpoint: deps.dynamodbEndpoint,
    tableName: deps.tableName,
    functionName: STREAM_CONSUMER.function,
    handler: handlerOf(STREAM_CONSUMER.function),
    batchSize: STREAM_CONSUMER.batchSize,
    filterPatterns: STREAM_CONSUMER.filterPatterns,
    killAfterHandlerRate: execution.relayKillRate,
    retryAttempts: STREAM_CONSUMER.retryAttempts,
    onFailure: (record) => sqs.send(STREAM_DLQ, JSON.stringify(record)),
    onError,
  });
  const invoke = (name: string) => handlerOf(name)({}, lambdaContext(name));
  // The SEPA cut-off schedule (every few minutes in AWS; every 30 s here, or as the tests set it).
  const sepaCutOff = startRepeating((execution.sepaCutOffSeconds ?? 30) * 1000, () =>
    invoke(SEPA_CUT_OFF_FUNCTION).catch(onError),
  );
  const recovery = startRepeating(
    (execution.outboxRecoverySeconds ?? LOCAL_OUTBOX_RECOVERY_SECONDS) * 1000,
    () => invoke(OUTBOX_RECOVERY_FUNCTION).catch(onError),
  );
  const daily = deps.dailyReports ? startDailyTimer(() => invoke(DAILY_REPORTS_FUNCTION)) : undefined;

  return {
    /** Stops the schedules, letting a run in progress finish. */
    async stopSchedules() {
      daily?.stop();
      await sepaCutOff.stop();
      await recovery.stop();
    },
    /** Stops reading the table stream (the queue consumers stop with SQS). */
    stopStream: () => poller.stop(),
  };
}

/** Calls `run` every `intervalMs`, one run at a time (the local stand-in for a rate schedule). */
function startRepeating(intervalMs: number, run: () => Promise<unknown>) {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= run().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Calls `run` every day at the schedule's UTC time (the local stand-in for EventBridge Scheduler). */
function startDailyTimer(run: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    const now = new Date();
    const at = new Date(
      Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate(),
        DAILY_REPORTS_SCHEDULE.hourUtc,
        DAILY_REPORTS_SCHEDULE.minuteUtc,
      ),
    );
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    timer = setTimeout(() => {
      run().catch((error: unknown) => console.error('[local] daily reports failed:', error));
      next();
    }, at.getTime() - now.getTime());
    timer.unref();
  };
  next();
  return { stop: () => clearTimeout(timer) };
}
