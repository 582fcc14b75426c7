import { ArnFormat, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { APPROVAL_TASK_FUNCTION, FUNCTIONS, type FunctionName } from '../../shared/topology.js';
import { approvalStateMachine } from '../../shared/workflows/approval.js';
import type { PayoutsFunction } from './payouts-function.js';

export interface ApprovalWorkflowProps {
  functions: ReadonlyMap<string, PayoutsFunction>;
}

/**
 * The approval state machine (Standard: executions wait up to the policy's expiry), its definition
 * from shared/workflows/approval.ts — the same ASL the local runtime runs. Its name is fixed and its
 * ARN built from it, so functions can name it without a dependency cycle (the definition names the
 * task function, which may itself resume executions).
 */
export class ApprovalWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly stateMachineArn: string;
  /** The machine's fixed name (its executions' ARNs start with it). */
  readonly stateMachineName: string;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const fn = (name: FunctionName) => {
      const found = props.functions.get(name);
      if (!found) throw new Error(`No function ${name}`);
      return found;
    };
    const stack = Stack.of(this);
    const name = `${Names.uniqueResourceName(this, { maxLength: 60 })}`;
    this.stateMachineName = name;
    this.stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const task = fn(APPROVAL_TASK_FUNCTION);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(JSON.stringify(approvalStateMachine(task.functionArn))),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          // Step Functions delivers logs as a vended log source: a group under this prefix keeps its
          // resource policy small (one policy covers every state machine's groups).
          // The stack's own id in the name: a retained group of a deleted stack never blocks a new one.
          logGroupName: `/aws/vendedlogs/states/${name}-${Fn.select(2, Fn.split('/', stack.stackId))}`,
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
        // Every state transition (3 per approved payout), without execution data: inputs carry only
        // ids, but results could grow.
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    task.grantInvoke(this.stateMachine);

    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    for (const spec of FUNCTIONS.filter((candidate) => candidate.approvals)) {
      const target = fn(spec.name);
      target.bindEnvironment({ PAYOUTS_APPROVAL_STATE_MACHINE_ARN: this.stateMachineArn });
      target.addToRolePolicy(
        spec.approvals === 'start'
          ? new PolicyStatement({
              actions: ['states:StartExecution', 'states:DescribeExecution'],
              resources: [this.stateMachineArn, executions],
            })
          : new PolicyStatement({
              actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
              resources: [this.stateMachineArn, executions],
            }),
      );
    }
  }
}
