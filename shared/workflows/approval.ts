/**
 * The approval workflow's Amazon States Language, built once here for both CDK (with the task
 * function's real ARN) and the local runtime (aws-local-stepfunctions, with a local ARN).
 *
 *   Prepare ─► AwaitDecision (lambda:invoke.waitForTaskToken, TimeoutSecondsPath = policy expiry)
 *                 ├─ resumed with {outcome} ─► Finish (approved → queued, rejected, canceled: nothing)
 *                 ├─ States.Timeout ─────────► Expire (expired, unless the quorum was met meanwhile)
 *                 └─ its task failed ────────► Remaining (the seconds left until the payout's own
 *                                               expiry) ─► Overdue? ─yes─► Expire
 *                                                            └─no─► Pause ─► AwaitDecision, new token
 *
 * The waiting task is not retried on its own failure: a retry would restart the wait with the full
 * timeout and the payout would expire later than its `expires_at`. `Remaining` recomputes the wait
 * from the payout, so however often the task fails, the payout expires when it says it will.
 *
 * Execution input: `{tenant_id, payout_id, timeout_seconds}`; the execution is named after the payout,
 * so a second start of the same payout is refused by Step Functions (ExecutionAlreadyExists).
 * `Prepare` nests the input under `Payload` so that `TimeoutSecondsPath: $.Payload.timeout_seconds`
 * resolves both against the state input (AWS) and against the task's parameters (where
 * aws-local-stepfunctions evaluates it).
 */
export const APPROVAL_WORKFLOW = 'approval';

/** Lambda's own transient errors (the function did not run): retried, as AWS advises. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
const retry = (errors: string[]) => [
  { ErrorEquals: errors, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
];
/** For tasks that do not wait: the function's own failure is retried too (every action is idempotent). */
const LAMBDA_RETRY = retry([...LAMBDA_SERVICE_ERRORS, 'States.TaskFailed']);

export function approvalStateMachine(taskFunctionArn: string) {
  const payload = (action: string, extra: Record<string, string> = {}) => ({
    FunctionName: taskFunctionArn,
    Payload: {
      action,
      'tenant_id.$': '$.Payload.tenant_id',
      'payout_id.$': '$.Payload.payout_id',
      ...extra,
    },
  });
  return {
    Comment: 'A payout waits for its approvals (four eyes, quorum), then is released, rejected or expires.',
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Pass',
        Parameters: {
          Payload: {
            'tenant_id.$': '$.tenant_id',
            'payout_id.$': '$.payout_id',
            'timeout_seconds.$': '$.timeout_seconds',
          },
        },
        Next: 'AwaitDecision',
      },
      AwaitDecision: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: payload('await', {
          'task_token.$': '$$.Task.Token',
          'timeout_seconds.$': '$.Payload.timeout_seconds',
        }),
        TimeoutSecondsPath: '$.Payload.timeout_seconds',
        ResultPath: '$.decision',
        Retry: retry(LAMBDA_SERVICE_ERRORS),
        Catch: [
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Expire' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Remaining' },
        ],
        Next: 'Finish',
      },
      Remaining: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: payload('remaining'),
        ResultSelector: {
          'tenant_id.$': '$.Payload.tenant_id',
          'payout_id.$': '$.Payload.payout_id',
          'timeout_seconds.$': '$.Payload.timeout_seconds',
          'overdue.$': '$.Payload.overdue',
          'pause_seconds.$': '$.Payload.pause_seconds',
        },
        ResultPath: '$.Payload',
        Retry: LAMBDA_RETRY,
        Next: 'Overdue',
      },
      // A task that fails every time never loops past the payout's expiry, nor at full speed.
      Overdue: {
        Type: 'Choice',
        Choices: [{ Variable: '$.Payload.overdue', BooleanEquals: true, Next: 'Expire' }],
        Default: 'Pause',
      },
      Pause: { Type: 'Wait', SecondsPath: '$.Payload.pause_seconds', Next: 'AwaitDecision' },
      Finish: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: payload('finish', { 'outcome.$': '$.decision.outcome' }),
        ResultSelector: { 'status.$': '$.Payload.status' },
        Retry: LAMBDA_RETRY,
        End: true,
      },
      Expire: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: payload('finish', { outcome: 'expired' }),
        ResultSelector: { 'status.$': '$.Payload.status' },
        Retry: LAMBDA_RETRY,
        End: true,
      },
    },
  };
}
