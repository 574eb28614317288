import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** A write that must not be lost to a momentary conflict with another transaction on the same items. */
export async function transactWithRetry(items: TransactItems, attempts = 8): Promise<void> {
  const documents = dynamoDocuments();
  for (let attempt = 1; ; attempt += 1) {
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes?.includes('TransactionConflict') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
