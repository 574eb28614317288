import { AwsError, requestId, type AwsResponse } from '../protocol';

/**
 * SQS error codes → the query-compatible code and HTTP status AWS sends in `x-amzn-query-error`.
 * The SDK (awsQueryCompatible) resolves the error class from that header, so it must match the model.
 */
const QUERY_CODES: Record<string, [string, number]> = {
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidAttributeName: ['InvalidAttributeName', 400],
  InvalidAttributeValue: ['InvalidAttributeValue', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  InvalidIdFormat: ['InvalidIdFormat', 400],
  InvalidMessageContents: ['InvalidMessageContents', 400],
  InvalidSecurity: ['InvalidSecurity', 403],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  OverLimit: ['OverLimit', 403],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  RequestThrottled: ['RequestThrottled', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  InvalidParameterValue: ['InvalidParameterValue', 400],
  MissingParameter: ['MissingParameter', 400],
  InvalidAction: ['InvalidAction', 400],
};

export function sqsError(code: string, message: string): AwsError {
  const [queryCode, status] = QUERY_CODES[code] ?? [code, 400];
  return new AwsError(code, message, status, `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}`);
}

export const queueDoesNotExist = (): AwsError =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export const invalidParameter = (message: string): AwsError => sqsError('InvalidParameterValue', message);

export const missingParameter = (name: string): AwsError =>
  sqsError('MissingParameter', `The request must contain the parameter ${name}.`);

/**
 * The JSON protocol's `__type` where it is not `com.amazonaws.sqs#<code>`: errors the SQS model does not declare
 * come from the service framework's namespace. Clients read the query code from `x-amzn-query-error` instead
 * (botocore shows `__type` as QueryErrorCode).
 */
const JSON_TYPES: Record<string, string> = {
  InvalidParameterValue: 'com.amazon.coral.service#InvalidParameterValueException',
  MissingParameter: 'com.amazon.coral.service#MissingRequiredParameterException',
};

/** JSON 1.0 error body as SQS sends it: a namespaced `__type` plus the query-compatible header. */
export function sqsErrorResponse(error: AwsError): AwsResponse {
  const status = error.status;
  const queryHeader =
    error.queryErrorCode ??
    `${QUERY_CODES[error.code]?.[0] ?? error.code};${status >= 500 ? 'Receiver' : 'Sender'}`;
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId(),
      'x-amzn-query-error': queryHeader,
    },
    body: JSON.stringify({
      __type: JSON_TYPES[error.code] ?? `com.amazonaws.sqs#${error.code}`,
      message: error.message,
    }),
  };
}
