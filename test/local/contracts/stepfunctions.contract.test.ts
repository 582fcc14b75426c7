import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSfnApprovalWorkflow } from '../../../shared/adapters/sfn-approval-workflow.js';
import { APPROVAL_WORKFLOW, approvalStateMachine } from '../../../shared/workflows/approval.js';
import { type LocalAws, rejectionOf, startLocalAws } from './local-aws.js';

/**
 * The local Step Functions against the API as documented (StartExecution: a name is unique per state
 * machine, 1–80 characters, ExecutionAlreadyExists otherwise; SendTaskSuccess: TaskDoesNotExist for a
 * token no task waits on; DescribeExecution), running the approval workflow's own ASL with the
 * platform's adapter. The task function is a stand-in that records the token it is given.
 */
let aws: LocalAws;
let client: SFNClient;
let stateMachineArn: string;
const tokens = new Map<string, string>();
const finished: unknown[] = [];

beforeAll(async () => {
  aws = await startLocalAws({
    invoke: async (_name, payload) => {
      const task = payload as { action: string; payout_id: string; task_token?: string; outcome?: string };
      if (task.action === 'await') tokens.set(task.payout_id, task.task_token as string);
      if (task.action === 'finish') finished.push(task);
      return { status: task.outcome };
    },
  });
  client = new SFNClient(aws.config);
  stateMachineArn = aws.stepFunctions.createStateMachine(
    APPROVAL_WORKFLOW,
    approvalStateMachine('arn:aws:lambda:us-east-1:000000000000:function:approval-task'),
  );
});
afterAll(() => aws.stop());

/** Polls `read` until it has a value (the execution runs on its own, as in AWS). */
const until = async <T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('gave up waiting');
};
const describeRun = (name: string) =>
  client.send(
    new DescribeExecutionCommand({
      executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,
    }),
  );

describe('the approval workflow', () => {
  it('starts once per payout: a second start is ExecutionAlreadyExists, which the adapter counts as started', async () => {
    const workflow = createSfnApprovalWorkflow({ stateMachineArn, client });
    const input = JSON.stringify({ tenant_id: 'ten_1', payout_id: 'po_1', timeout_seconds: 600 });

    const first = await workflow.start({ tenantId: 'ten_1', payoutId: 'po_1', timeoutSeconds: 600 });
    const again = await rejectionOf(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'po_1', input })),
    );
    const second = await workflow.start({ tenantId: 'ten_1', payoutId: 'po_1', timeoutSeconds: 600 });

    expect(first).toBe('started');
    expect(again).toBeInstanceOf(ExecutionAlreadyExists);
    expect(second).toBe('already_started');
    expect((await describeRun('po_1')).status).toBe('RUNNING');
  });

  it('waits for its task token and finishes with the outcome it is resumed with', async () => {
    const workflow = createSfnApprovalWorkflow({ stateMachineArn, client });
    await workflow.start({ tenantId: 'ten_1', payoutId: 'po_2', timeoutSeconds: 600 });
    const token = await until(() => tokens.get('po_2'));

    await workflow.resume(token, 'approved');
    await until(() => finished.find((task) => (task as { payout_id: string }).payout_id === 'po_2'));
    const run = await until(async () => {
      const described = await describeRun('po_2');
      return described.status === 'RUNNING' ? undefined : described;
    });

    expect(run.status).toBe('SUCCEEDED');
    expect(JSON.parse(run.output as string)).toEqual({ status: 'approved' });
  });

  it('answers TaskDoesNotExist for a token no task waits on; the adapter takes that as done', async () => {
    const error = await rejectionOf(
      client.send(
        new SendTaskSuccessCommand({ taskToken: 'nobody.waits', output: '{"outcome":"approved"}' }),
      ),
    );

    expect(error).toBeInstanceOf(TaskDoesNotExist);
    await expect(
      createSfnApprovalWorkflow({ stateMachineArn, client }).resume('nobody.waits', 'approved'),
    ).resolves.toBeUndefined();
  });

  it('refuses an execution name over 80 characters or with spaces (InvalidName), and describes no unknown run', async () => {
    const long = await rejectionOf(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'p'.repeat(81), input: '{}' })),
    );
    const spaced = await rejectionOf(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'po 3', input: '{}' })),
    );
    const unknown = await rejectionOf(describeRun('never-started'));

    expect(long).toBeInstanceOf(InvalidName);
    expect(spaced).toBeInstanceOf(InvalidName);
    expect(unknown).toBeInstanceOf(ExecutionDoesNotExist);
  });
});
