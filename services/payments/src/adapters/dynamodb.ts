import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClient } from '@payflow/shared';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoDocuments(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(awsClient(DynamoDBClient), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** Cancellation reason codes of a cancelled transaction, one per item in request order. */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (
    error instanceof TransactionCanceledException ||
    (error as Error)?.name === 'TransactionCanceledException'
  ) {
    return ((error as TransactionCanceledException).CancellationReasons ?? []).map(
      (reason) => reason.Code ?? 'None',
    );
  }
  return undefined;
}

/** Another transaction touched the same items at the same moment: safe to read again and retry. */
export function isTransactionRace(codes: string[]): boolean {
  return codes.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict');
}
