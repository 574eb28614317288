import { createHash } from 'node:crypto';
import {
  AwsError,
  jsonError,
  jsonResponse,
  jsonTarget,
  parseJsonBody,
  type AwsRequest,
  type Emulator,
} from '../../../src/protocol';

export interface SentToQueue {
  queueUrl: string;
  body: string;
  messageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/** Stands in for the SQS module on the edge: records SendMessage calls made through the real SQSClient. */
export class FakeSqs implements Emulator {
  readonly signingName = 'sqs';
  readonly sent: SentToQueue[] = [];

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  async handle(req: AwsRequest) {
    if (this.operation(req) !== 'SendMessage')
      throw new AwsError('InvalidAction', 'FakeSqs only takes SendMessage');
    const input = parseJsonBody(req) as { QueueUrl: string; MessageBody: string; MessageAttributes?: never };
    this.sent.push({
      queueUrl: input.QueueUrl,
      body: input.MessageBody,
      messageAttributes: input.MessageAttributes,
    });
    const md5 = createHash('md5').update(input.MessageBody).digest('hex');
    return jsonResponse(
      { MessageId: crypto.randomUUID(), MD5OfMessageBody: md5 },
      'application/x-amz-json-1.0',
    );
  }

  errorResponse(error: AwsError) {
    return jsonError(error, 'application/x-amz-json-1.0');
  }
}
