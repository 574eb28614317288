/** Where a failed (or succeeded) asynchronous invocation is sent: SQS, SNS or an event bus, through the edge. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { REGION } from './config';

export type DestinationMessage =
  /** An on-success / on-failure destination gets the invocation record. */
  | { record: { requestContext: { functionArn: string; condition: string } } }
  /** A function's dead-letter queue gets the event itself, with the error in message attributes. */
  | { deadLetter: { event: unknown; requestId: string; errorMessage: string } };

const clients = new Map<string, { sqs: SQSClient; sns: SNSClient; events: EventBridgeClient }>();

export async function sendToDestination(
  endpoint: string,
  destinationArn: string,
  message: DestinationMessage,
): Promise<void> {
  const { sqs, sns, events } = clientsFor(endpoint);
  const body = JSON.stringify('record' in message ? message.record : message.deadLetter.event);
  const service = destinationArn.split(':')[2];
  if (service === 'sqs') {
    const [, , , , account, queue] = destinationArn.split(':');
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${endpoint}/${account}/${queue}`,
        MessageBody: body,
        MessageAttributes: 'deadLetter' in message ? deadLetterAttributes(message.deadLetter) : undefined,
      }),
    );
  } else if (service === 'sns') {
    await sns.send(
      new PublishCommand({
        TopicArn: destinationArn,
        Message: body,
        MessageAttributes: 'deadLetter' in message ? deadLetterAttributes(message.deadLetter) : undefined,
      }),
    );
  } else if (service === 'events' && 'record' in message) {
    const success = message.record.requestContext.condition === 'Success';
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: destinationArn,
            Source: 'lambda',
            DetailType: `Lambda Function Invocation Result - ${success ? 'Success' : 'Failure'}`,
            Detail: body,
            Resources: [destinationArn, message.record.requestContext.functionArn],
          },
        ],
      }),
    );
  } else {
    throw new Error(`The local cloud cannot send an asynchronous invocation's result to ${destinationArn}`);
  }
}

/** What Lambda puts beside the event in a dead-letter message. */
function deadLetterAttributes(deadLetter: { requestId: string; errorMessage: string }) {
  return {
    RequestID: { DataType: 'String', StringValue: deadLetter.requestId },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: deadLetter.errorMessage.slice(0, 1024) || 'Unhandled' },
  };
}

function clientsFor(endpoint: string) {
  let set = clients.get(endpoint);
  if (!set) {
    const config = {
      endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    };
    set = { sqs: new SQSClient(config), sns: new SNSClient(config), events: new EventBridgeClient(config) };
    clients.set(endpoint, set);
  }
  return set;
}
