import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, documentClient, sleep } from '@payflow/shared';

/** The shared document client, by the name payments' adapters import. */
export const dynamoDocuments = documentClient;

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

/**
 * A write that must not be lost to a momentary conflict with another transaction on the same items. A single
 * update goes as a plain conditional UpdateItem (half the cost of a transaction); its condition failing reads as
 * a cancelled transaction's would (`ConditionalCheckFailed` at index 0), so callers see one shape.
 */
export async function transactWithRetry(items: TransactItems, attempts = 8): Promise<void> {
  const documents = dynamoDocuments();
  const [only] = items;
  if (items.length === 1 && only?.Update) {
    try {
      await documents.send(new UpdateCommand(only.Update as ConstructorParameters<typeof UpdateCommand>[0]));
      return;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      throw Object.assign(new Error((error as Error).message), {
        name: 'TransactionCanceledException',
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      });
    }
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes?.includes('TransactionConflict') || attempt >= attempts) throw error;
      await sleep(backoffDelay(attempt, { baseMs: 20, maxMs: 400 }));
    }
  }
}
