import {
  AwsError,
  jsonResponse,
  jsonTarget,
  parseJsonBody,
  queryParams,
  queryResponse,
  requestId,
  xml,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from '../protocol';
import { SqsApi, type RequestContext } from './api';
import { sqsError, sqsErrorResponse } from './errors';
import { jsonToXml, queryToJson, SQS_XMLNS } from './query';
import { QueueStore, type StoreOptions } from './store';

export interface SqsEmulatorOptions extends StoreOptions {
  /** Base of every QueueUrl, e.g. http://localhost:4566. */
  endpoint: string;
}

/** Amazon SQS on the edge: JSON 1.0 (SDK v3) and the query protocol (AWS CLI v2 before 2.13). */
export class SqsEmulator implements Emulator {
  readonly signingName = 'sqs';
  readonly store: QueueStore;
  readonly api: SqsApi;

  constructor(options: SqsEmulatorOptions) {
    this.store = new QueueStore(options);
    this.api = new SqsApi(this.store, options.endpoint.replace(/\/+$/, ''));
  }

  operation(req: AwsRequest): string {
    if (isJson(req)) return jsonTarget(req);
    return queryParams(req).get('Action') ?? 'Unknown';
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    if (isJson(req)) {
      const output = await this.run(jsonTarget(req), parseJsonBody(req), context(req));
      return jsonResponse(output, 'application/x-amz-json-1.0');
    }
    const { action, input } = queryToJson(queryParams(req));
    try {
      const output = await this.run(action, input, context(req));
      return queryResponse(action, jsonToXml(action, output), SQS_XMLNS);
    } catch (error) {
      if (error instanceof AwsError) return this.queryErrorResponse(error);
      throw error;
    }
  }

  errorResponse(error: AwsError): AwsResponse {
    return sqsErrorResponse(error);
  }

  async close(): Promise<void> {
    this.store.close();
  }

  private run(action: string, input: Record<string, unknown>, requestContext: RequestContext) {
    const operation = this.api.operations[action];
    if (!operation)
      throw sqsError('InvalidAction', `The action ${action || '(none)'} is not valid for this endpoint.`);
    return operation(input, requestContext);
  }

  /**
   * Query clients know errors by their query code, e.g. AWS.SimpleQueueService.NonExistentQueue. SQS's query
   * answer carries an empty Detail, and words a missing queue its own way.
   */
  private queryErrorResponse(error: AwsError): AwsResponse {
    const code = error.queryErrorCode?.split(';')[0] ?? error.code;
    const message =
      error.code === 'QueueDoesNotExist'
        ? 'The specified queue does not exist for this wsdl version.'
        : error.message;
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    const body =
      `<?xml version="1.0"?>\n<ErrorResponse xmlns="${SQS_XMLNS}"><Error><Type>${type}</Type>` +
      `<Code>${xml(code)}</Code><Message>${xml(message)}</Message><Detail/></Error>` +
      `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
  }
}

function context(req: AwsRequest): RequestContext {
  return { traceHeader: req.headers['x-amzn-trace-id'] };
}

function isJson(req: AwsRequest): boolean {
  return (req.headers['x-amz-target'] ?? '').startsWith('AmazonSQS.');
}
