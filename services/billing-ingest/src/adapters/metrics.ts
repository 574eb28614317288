import type { ServiceMetrics } from '@payflow/shared';
import type { IngestResult } from '../domain/ingest-file';

/**
 * BillsRowsLoaded and BillsRowsRejected, once per bills file, when its last invocation completes it (the counts then
 * cover the whole file, rows written before a hand-over included); skipped files and hand-overs count nothing.
 */
export function countIngestedRows(metrics: ServiceMetrics, result: IngestResult): void {
  if (result.status !== 'completed') return;
  metrics.count('BillsRowsLoaded', result.summary.accepted);
  metrics.count('BillsRowsRejected', result.summary.rejected);
}
