import { afterEach, describe, expect, it } from 'vitest';
import { createLocalStepFunctions } from '../../local/aws/local-stepfunctions.js';
import { approvalStateMachine } from '../../shared/workflows/approval.js';

const TASK = 'arn:aws:lambda:us-east-1:000000000000:function:approval-task';
let stop: (() => Promise<void>) | undefined;
afterEach(() => stop?.());

/** Runs the deployed approval ASL with a scripted task function and records what it was asked. */
function run(task: (payload: Record<string, unknown>, call: number) => unknown) {
  const calls: Record<string, unknown>[] = [];
  const sfn = createLocalStepFunctions({
    invoke: async (_name, payload) => {
      const input = payload as Record<string, unknown>;
      calls.push(input);
      return task(input, calls.length);
    },
  });
  stop = () => sfn.stopAll();
  const arn = sfn.createStateMachine('approval', approvalStateMachine(TASK) as never);
  const started = sfn.startExecution({
    stateMachineArn: arn,
    name: 'po_1',
    input: JSON.stringify({ tenant_id: 'ten_A', payout_id: 'po_1', timeout_seconds: 600 }),
  });
  return { sfn, calls, executionArn: started.executionArn as string };
}

describe('the approval workflow (the ASL CDK deploys, run locally)', () => {
  it('does not restart the wait with its full timeout when the waiting task fails: it waits only what is left', async () => {
    const { sfn, calls, executionArn } = run((input) => {
      if (input.action === 'await' && calls.filter((call) => call.action === 'await').length === 1)
        throw new Error('DynamoDB throttled while storing the token');
      if (input.action === 'remaining')
        return {
          tenant_id: 'ten_A',
          payout_id: 'po_1',
          timeout_seconds: 1,
          overdue: false,
          pause_seconds: 1,
        };
      if (input.action === 'finish') return { status: 'expired' };
      return { waiting: true };
    });

    await expect
      .poll(() => sfn.describeExecution({ executionArn }).status, { timeout: 15_000 })
      .toBe('SUCCEEDED');

    expect(calls.map((call) => call.action)).toEqual(['await', 'remaining', 'await', 'finish']);
    // The second wait used what `remaining` computed from the payout, not the 600 s of the start.
    expect(calls[2]?.timeout_seconds).toBe(1);
    expect(calls[3]).toMatchObject({ action: 'finish', outcome: 'expired' });
  }, 20_000);

  it('a waiting task that fails every time stops at the payout’s expiry instead of looping', async () => {
    let left = 3;
    const { sfn, calls, executionArn } = run((input) => {
      if (input.action === 'await') throw new Error('the token cannot be stored');
      if (input.action === 'remaining') {
        left -= 1;
        return {
          tenant_id: 'ten_A',
          payout_id: 'po_1',
          timeout_seconds: Math.max(1, left),
          overdue: left <= 0,
          pause_seconds: 1,
        };
      }
      return { status: 'expired' };
    });

    await expect
      .poll(() => sfn.describeExecution({ executionArn }).status, { timeout: 15_000 })
      .toBe('SUCCEEDED');

    // Three failed waits, each followed by Remaining (and a pause), then Expire: no fourth wait.
    expect(calls.map((call) => call.action)).toEqual([
      'await',
      'remaining',
      'await',
      'remaining',
      'await',
      'remaining',
      'finish',
    ]);
  }, 20_000);
});
