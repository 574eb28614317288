import { ServiceMetrics } from '@payflow/shared';
import { captureMetrics } from '@payflow/shared/src/testing';
import { countIngestedRows } from '../../src/adapters/metrics';

const counts = { rows: 10, accepted: 8, rejected: 2, invoicesDue: 5, customerDetails: 0, alreadyPaid: 1 };

describe('bills metrics', () => {
  it('a completed file counts its rows loaded and rejected, once; hand-overs, skips and failures count nothing', async () => {
    const metrics = new ServiceMetrics('billing-ingest');
    const { datapoints } = await captureMetrics(() => {
      countIngestedRows(metrics, { status: 'continued', checkpointRow: 6, counts: { ...counts, rows: 6 } });
      countIngestedRows(metrics, { status: 'skipped', reason: 'already ingested' });
      countIngestedRows(metrics, { status: 'failed', reason: 'no header' });
      countIngestedRows(metrics, {
        status: 'completed',
        counts,
        summary: {
          fileKey: 'incoming/bills-2026-12-01.csv',
          accepted: 8,
          rejected: 2,
          durationMs: 40,
          rejectsKey: 'x',
        },
      });
      metrics.publish();
    });
    expect(datapoints).toEqual([
      {
        namespace: 'Payflow',
        name: 'BillsRowsLoaded',
        unit: 'Count',
        values: [8],
        dimensions: { service: 'billing-ingest' },
      },
      {
        namespace: 'Payflow',
        name: 'BillsRowsRejected',
        unit: 'Count',
        values: [2],
        dimensions: { service: 'billing-ingest' },
      },
    ]);
  });
});
