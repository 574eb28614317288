import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsClient } from '@payflow/shared';
import type { TaskCompletion } from '../domain/payment';

/** arn:...:stateMachine:<name> -> arn:...:execution:<name>:<executionName> */
function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** The checkout state machine; its ARN is read when first needed (completing a task does not need it). */
export function createWorkflow(
  stateMachine: string | (() => string),
  client: SFNClient = awsClient(SFNClient),
) {
  const arnOf = () => (typeof stateMachine === 'string' ? stateMachine : stateMachine());
  return {
    /** Starts the order's execution, named after the order: a second start of the same order is a no-op. */
    async start(orderId: string, input: unknown): Promise<{ executionArn: string; alreadyStarted: boolean }> {
      const stateMachineArn = arnOf();
      try {
        const out = await client.send(
          new StartExecutionCommand({ stateMachineArn, name: orderId, input: JSON.stringify(input) }),
        );
        return { executionArn: out.executionArn!, alreadyStarted: false };
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) {
          return { executionArn: executionArnOf(stateMachineArn, orderId), alreadyStarted: true };
        }
        throw error;
      }
    },

    async describe(
      orderId: string,
    ): Promise<{ executionArn: string; startDate: Date; input: string } | undefined> {
      const executionArn = executionArnOf(arnOf(), orderId);
      try {
        const out = await client.send(new DescribeExecutionCommand({ executionArn }));
        return { executionArn, startDate: out.startDate ?? new Date(), input: out.input ?? '{}' };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },

    async completeTask(taskToken: string, completion: TaskCompletion): Promise<void> {
      if (completion.kind === 'success') {
        await client.send(
          new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(completion.output) }),
        );
      } else {
        await client.send(
          new SendTaskFailureCommand({ taskToken, error: completion.error, cause: completion.cause }),
        );
      }
    },
  };
}
