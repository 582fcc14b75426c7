import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';

// aws-local-stepfunctions uses Promise.withResolvers (Node 22); Node 20 lacks it.
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      return { promise, resolve, reject };
    },
  });
}

class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Execution {
  arn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: unknown;
  output?: unknown;
  error?: string;
  abort: () => void;
  done: Promise<void>;
}

/** What this emulator reads of an ASL definition. */
type AslDefinition = { States: Record<string, { Type: string; Resource?: string }> };
/** A Lambda task's effective parameters (`arn:aws:states:::lambda:invoke[.waitForTaskToken]`). */
type LambdaParameters = { FunctionName: string; Payload?: Record<string, unknown> & { task_token?: string } };

/** `arn:aws:lambda:…:function:approval-task` → `approval-task`. */
const functionNameOf = (arn: string) => arn.split(':').pop() as string;

/**
 * A local Step Functions for Standard workflows, on aws-local-stepfunctions: the same ASL CDK deploys,
 * executions named uniquely per state machine (a second start is ExecutionAlreadyExists), Lambda tasks
 * run by the local handlers, and `.waitForTaskToken` tasks that wait for SendTaskSuccess/Failure
 * (the task's TimeoutSeconds still applies and raises States.Timeout). Development and tests only.
 */
export function createLocalStepFunctions(deps: {
  invoke: (functionName: string, payload: unknown) => Promise<unknown>;
  onError?: (error: unknown) => void;
}) {
  const machines = new Map<string, { definition: AslDefinition; machine: StateMachine }>();
  const executions = new Map<string, Execution>();
  const waiting = new Map<
    string,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; execution: string }
  >();

  function overridesFor(definition: AslDefinition, executionArn: string) {
    const handlers: Record<string, (input: LambdaParameters) => Promise<unknown>> = {};
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (resource.endsWith('lambda:invoke.waitForTaskToken')) {
        handlers[stateName] = async (parameters) => {
          const token = String(parameters.Payload?.task_token ?? '');
          const resumed = new Promise<unknown>((resolve, reject) =>
            waiting.set(token, { resolve, reject, execution: executionArn }),
          );
          await deps.invoke(functionNameOf(parameters.FunctionName), parameters.Payload);
          return resumed;
        };
      } else if (resource.endsWith('lambda:invoke')) {
        handlers[stateName] = async (parameters) => ({
          StatusCode: 200,
          Payload: await deps.invoke(functionNameOf(parameters.FunctionName), parameters.Payload),
        });
      }
    }
    return handlers;
  }

  return {
    createStateMachine(name: string, definition: AslDefinition): string {
      const arn = `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
      machines.set(arn, {
        definition,
        machine: new StateMachine(definition as never, {
          validationOptions: { checkArn: false, checkPaths: false },
        }),
      });
      return arn;
    },

    startExecution(input: { stateMachineArn: string; name?: string; input?: string }) {
      const found = machines.get(input.stateMachineArn);
      if (!found)
        throw new SfnError(
          'StateMachineDoesNotExist',
          `State machine ${input.stateMachineArn} does not exist`,
        );
      const name = input.name ?? randomUUID();
      // StartExecution's `name`: 1–80 characters, none of whitespace, brackets, wildcards or controls.
      if (name.length < 1 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u.test(name))
        throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
      const arn = `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      if (executions.has(arn))
        throw new SfnError('ExecutionAlreadyExists', `Execution already exists: '${arn}'`);
      const executionInput = JSON.parse(input.input ?? '{}');
      const run = found.machine.run(executionInput, {
        context: {
          Execution: { Id: arn, Name: name, Input: executionInput, StartTime: new Date().toISOString() },
          // One waiting task per execution in our workflows: one token serves it (and its retries).
          Task: { Token: `${name}.${randomUUID()}` },
        },
        overrides: { taskResourceLocalHandlers: overridesFor(found.definition, arn) as never },
      });
      const execution: Execution = {
        arn,
        name,
        status: 'RUNNING',
        input: executionInput,
        abort: run.abort,
        done: run.result
          .then(
            (output) => {
              execution.status = 'SUCCEEDED';
              execution.output = output;
            },
            (error: Error) => {
              execution.status = execution.status === 'ABORTED' ? 'ABORTED' : 'FAILED';
              execution.error = error.message;
              if (execution.status === 'FAILED') deps.onError?.(error);
            },
          )
          .finally(() => {
            for (const [token, entry] of waiting) if (entry.execution === arn) waiting.delete(token);
          }),
      };
      executions.set(arn, execution);
      return { executionArn: arn, startDate: Date.now() / 1000 };
    },

    sendTaskSuccess(input: { taskToken: string; output: string }) {
      const entry = waiting.get(input.taskToken);
      if (!entry) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
      waiting.delete(input.taskToken);
      entry.resolve(JSON.parse(input.output));
      return {};
    },

    sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }) {
      const entry = waiting.get(input.taskToken);
      if (!entry) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
      waiting.delete(input.taskToken);
      entry.reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'States.TaskFailed' }));
      return {};
    },

    describeExecution(input: { executionArn: string }) {
      const execution = executions.get(input.executionArn);
      if (!execution)
        throw new SfnError('ExecutionDoesNotExist', `Execution ${input.executionArn} does not exist`);
      return {
        executionArn: execution.arn,
        name: execution.name,
        status: execution.status,
        input: JSON.stringify(execution.input),
        ...(execution.output === undefined ? {} : { output: JSON.stringify(execution.output) }),
        ...(execution.error ? { error: execution.error } : {}),
      };
    },

    /** Executions by name (tests). */
    executions: () => [...executions.values()],

    /** Aborts every running execution (the platform is stopping). */
    async stopAll() {
      const running = [...executions.values()].filter((execution) => execution.status === 'RUNNING');
      for (const execution of running) {
        execution.status = 'ABORTED';
        execution.abort();
      }
      await Promise.allSettled(running.map((execution) => execution.done));
    },
  };
}

export type LocalStepFunctions = ReturnType<typeof createLocalStepFunctions>;
