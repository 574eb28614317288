import type { ReceivedMessage } from '../sqs';

/**
 * Which records to delete after a successful invocation. With ReportBatchItemFailures, AWS treats
 * null/empty responses as full success and any malformed or unknown itemIdentifier as full failure.
 */
export function settleBatch(
  batch: ReceivedMessage[],
  payload: unknown,
  reportFailures: boolean,
): ReceivedMessage[] {
  if (!reportFailures) return batch;
  if (payload === undefined || payload === null) return batch;
  if (typeof payload !== 'object' || Array.isArray(payload)) return [];
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return batch;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(batch.map((r) => r.message.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !ids.has(id)) return [];
    failed.add(id);
  }
  return batch.filter((r) => !failed.has(r.message.messageId));
}
