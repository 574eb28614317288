/**
 * billing-ingest's CloudWatch metrics through the local cloud: a bills file loaded by the real function shows its
 * rows loaded and rejected at /_local/metrics, once, when the file is completed.
 */
import { localMetrics, waitForMetric, type LocalMetric } from '@payflow/local-cloud/src/testing';
import { assertLocalCloud, ENDPOINT, runId, settled, upload } from './local-cloud';

const total = (metrics: LocalMetric[], name: string) =>
  metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.sum, 0);

beforeAll(async () => {
  await assertLocalCloud();
});

it('a loaded bills file counts its rows loaded and rejected, each with the service dimension', async () => {
  // Counts no other test's file has, so tests running beside this one do not blur what it reads.
  const good = 11 + Math.floor(Math.random() * 30);
  const bad = 3;
  const rows = [
    ...Array.from(
      { length: good },
      (_, n) => `${12 + n}.50,${runId}-metrics-${n},Grace Hopper,0,grace@example.com`,
    ),
    ...Array.from(
      { length: bad },
      (_, n) => `twelve,${runId}-metrics-bad-${n},Alan Turing,0,alan@example.com`,
    ),
  ];
  const csv = `Balance,InvoiceID,Customer Name,IsProcessed,Email\n${rows.join('\n')}\n`;
  const before = await localMetrics(ENDPOINT, { service: 'billing-ingest' });
  const key = `incoming/${runId}/metrics/bills-2026-12-01.csv`;
  expect(await settled(key, await upload(key, csv))).toMatchObject({
    status: 'COMPLETED',
    accepted: good,
    rejected: bad,
  });

  const loaded = await waitForMetric(
    ENDPOINT,
    { service: 'billing-ingest', name: 'BillsRowsLoaded' },
    (metrics) => metrics.find((m) => m.values.includes(good)),
  );
  expect(loaded).toMatchObject({
    namespace: 'Payflow',
    unit: 'Count',
    dimensions: { service: 'billing-ingest' },
  });
  const after = await localMetrics(ENDPOINT, { service: 'billing-ingest' });
  expect(total(after, 'BillsRowsLoaded') - total(before, 'BillsRowsLoaded')).toBeGreaterThanOrEqual(good);
  expect(total(after, 'BillsRowsRejected') - total(before, 'BillsRowsRejected')).toBeGreaterThanOrEqual(bad);
  expect(after.find((m) => m.name === 'BillsRowsRejected')).toMatchObject({
    namespace: 'Payflow',
    unit: 'Count',
    dimensions: { service: 'billing-ingest' },
  });
});
