import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { queueBinding, queueUrlVariable } from '../../shared/config.js';
import {
  FUNCTION_NAMES,
  FUNCTIONS,
  type FunctionSpec,
  functionSpec,
  handlerEntry,
  isFunctionName,
  QUEUE_NAMES,
  QUEUES,
  type QueueSpec,
  REJECTION_QUEUE,
  type RouteSpec,
  type RuleSpec,
} from '../../shared/topology.js';

const functionsFolder = new URL('../../functions/', import.meta.url);
const sorted = (names: readonly string[]) => [...names].sort();
const duplicates = (names: readonly string[]) => names.filter((name, index) => names.indexOf(name) !== index);

describe('the topology’s name lists match its specs', () => {
  it('FUNCTION_NAMES names every function spec once, and nothing else', () => {
    const specNames = FUNCTIONS.map((spec) => spec.name);

    expect(duplicates(FUNCTION_NAMES)).toEqual([]);
    expect(duplicates(specNames)).toEqual([]);
    expect(sorted(FUNCTION_NAMES)).toEqual(sorted(specNames));
  });

  it('QUEUE_NAMES names every queue spec once and the rejections queue, and nothing else', () => {
    const specNames = QUEUES.map((spec) => spec.name);

    expect(duplicates(QUEUE_NAMES)).toEqual([]);
    expect(duplicates(specNames)).toEqual([]);
    expect(specNames).not.toContain(REJECTION_QUEUE);
    expect(sorted(QUEUE_NAMES)).toEqual(sorted([...specNames, REJECTION_QUEUE]));
  });

  it('every functions/<name>/ folder holds a handler.ts and has a spec, and every spec has its folder', () => {
    const folders = readdirSync(functionsFolder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const withoutHandler = folders.filter(
      (folder) => !existsSync(new URL(`${folder}/handler.ts`, functionsFolder)),
    );

    expect(withoutHandler).toEqual([]);
    expect(sorted(folders)).toEqual(sorted(FUNCTION_NAMES));
  });
});

describe('names read at run time are checked against the lists', () => {
  it('isFunctionName accepts a topology function and refuses a misspelled one', () => {
    expect(isFunctionName('create-payout')).toBe(true);
    expect(isFunctionName('create-payuot')).toBe(false);
  });

  it('handlerEntry gives a function’s handler path and refuses a name the topology lacks', () => {
    expect(handlerEntry('get-health')).toBe('functions/get-health/handler.ts');
    expect(() => handlerEntry('get-helth')).toThrow("Unknown function 'get-helth' in topology");
  });
});

/*
 * Compile-time checks: `tsc --noEmit` (npm test's typecheck) fails on an unused `@ts-expect-error`,
 * so each misspelled name below must be a type error for the build to pass. The assertions check that
 * each misspelling is indeed no topology name (a later function so named would make it compile).
 */
describe('a misspelled function or queue name fails to compile', () => {
  it('in a function spec: its name, sendsTo, changesVisibilityOf', () => {
    const spec: FunctionSpec = {
      // @ts-expect-error 'create-payuot' is no topology function
      name: 'create-payuot',
      description: 'misspelled',
      // @ts-expect-error 'webhook-delivry' is no topology queue
      sendsTo: ['webhook-delivry'],
      // @ts-expect-error the rejections queue has no consumer whose visibility could change
      changesVisibilityOf: [REJECTION_QUEUE],
    };

    expect(isFunctionName(spec.name)).toBe(false);
    expect(QUEUE_NAMES).not.toContain(spec.sendsTo?.[0]);
    expect(QUEUES.map((queue) => queue.name)).not.toContain(spec.changesVisibilityOf?.[0]);
  });

  it('in a route, a queue spec and a rule', () => {
    const route: RouteSpec = {
      method: 'GET',
      path: '/v1/payouts/{id}',
      // @ts-expect-error 'get-payuot' is no topology function
      function: 'get-payuot',
      auth: 'api_key',
    };
    const queue: QueueSpec = {
      // @ts-expect-error 'executon' is no topology queue
      name: 'executon',
      visibilityTimeoutSeconds: 120,
      maxReceiveCount: 120,
      oldestMessageAlarmSeconds: 600,
      // @ts-expect-error 'execute-payouts' is no topology function
      consumer: { function: 'execute-payouts', batchSize: 10, maxConcurrency: 5 },
    };
    const rule: RuleSpec = {
      name: 'misspelled',
      description: 'misspelled',
      eventPattern: {},
      // @ts-expect-error 'webhooks-fanout' is no topology queue
      target: { queue: 'webhooks-fanout' },
    };

    expect(isFunctionName(route.function)).toBe(false);
    expect(QUEUE_NAMES).not.toContain(queue.name);
    expect(isFunctionName(queue.consumer.function)).toBe(false);
    expect(QUEUE_NAMES).not.toContain(rule.target.queue);
  });

  it('in the helpers that take a name', () => {
    // @ts-expect-error 'get-helth' is no topology function
    expect(() => functionSpec('get-helth')).toThrow("Unknown function 'get-helth' in topology");
    // @ts-expect-error 'webhook-delivry' is no topology queue
    expect(queueUrlVariable('webhook-delivry')).toBe('PAYOUTS_QUEUE_URL_WEBHOOK_DELIVRY');
    // @ts-expect-error the rejections queue has no dead-letter queue
    const rejectionsDlq = queueUrlVariable('inbound-rejections-dlq');
    expect(rejectionsDlq).toBe('PAYOUTS_QUEUE_URL_INBOUND_REJECTIONS_DLQ');
    // @ts-expect-error 'inbound-rejection' is no topology queue
    const misspelledBinding = () => queueBinding('url', 'inbound-rejection', {});
    expect(misspelledBinding).toThrow('PAYOUTS_QUEUE_URL_INBOUND_REJECTION is not set');

    // Correct names compile, dead-letter queues of consumed queues included.
    expect(queueUrlVariable('execution-dlq')).toBe('PAYOUTS_QUEUE_URL_EXECUTION_DLQ');
    expect(functionSpec('get-health').name).toBe('get-health');
  });
});
