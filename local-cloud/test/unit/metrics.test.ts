import { MetricUnit, ServiceMetrics } from '@payflow/shared';
import { MetricsStore } from '../../src/metrics';

/** What a function prints when its invocation ends, as the local cloud receives it from serverless-offline. */
function printedBy(service: string, add: (metrics: ServiceMetrics) => void): string[] {
  const metrics = new ServiceMetrics(service);
  add(metrics);
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
  try {
    metrics.publish();
  } finally {
    process.stdout.write = write;
  }
  return written
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => `[${service}] ${line}`);
}

describe('MetricsStore', () => {
  it('takes the EMF lines Powertools prints and adds up each metric by its dimensions', () => {
    const store = new MetricsStore();
    const lines = [
      ...printedBy('payments', (m) => {
        m.count('PaymentsSucceeded');
        m.add('PaymentAmount', MetricUnit.NoUnit, 1250, { currency: 'EUR' });
      }),
      ...printedBy('payments', (m) => {
        m.count('PaymentsSucceeded');
        m.add('PaymentAmount', MetricUnit.NoUnit, 900, { currency: 'EUR' });
        m.add('PaymentAmount', MetricUnit.NoUnit, 5000, { currency: 'GBP' });
      }),
    ];
    expect(lines.map((line) => store.take(line))).toEqual(lines.map(() => true));

    expect(store.list({ service: 'payments', name: 'PaymentsSucceeded' })).toEqual([
      expect.objectContaining({
        namespace: 'Payflow',
        unit: 'Count',
        dimensions: { service: 'payments' },
        values: [1, 1],
        sum: 2,
        count: 2,
      }),
    ]);
    const amounts = store.list({ name: 'PaymentAmount' });
    expect(
      amounts.map(({ dimensions, values, sum, count, min, max }) => ({
        dimensions,
        values,
        sum,
        count,
        min,
        max,
      })),
    ).toEqual([
      {
        dimensions: { currency: 'EUR', service: 'payments' },
        values: [1250, 900],
        sum: 2150,
        count: 2,
        min: 900,
        max: 1250,
      },
      {
        dimensions: { currency: 'GBP', service: 'payments' },
        values: [5000],
        sum: 5000,
        count: 1,
        min: 5000,
        max: 5000,
      },
    ]);
    expect(amounts[0]!.lastTimestamp).toBeGreaterThan(Date.now() - 60_000);
  });

  it('leaves every other line to the log, one that only mentions EMF or is cut short included', () => {
    const store = new MetricsStore();
    const [emf] = printedBy('billing-ingest', (m) => m.count('BillsRowsLoaded', 3));
    for (const line of [
      '[payments] {"level":"INFO","message":"Invoice payment settled","service":"payments"}',
      '[payments] {"level":"INFO","message":"CloudWatchMetrics is a word in this message"}',
      emf!.slice(0, emf!.length / 2),
      '[payments] (λ: payInvoice) RequestId: 1 Duration: 12.5 ms',
    ]) {
      expect(store.take(line)).toBe(false);
    }
    expect(store.list()).toEqual([]);
  });

  it('filters by service, name and namespace', () => {
    const store = new MetricsStore();
    for (const line of [
      ...printedBy('notification', (m) => m.count('NotificationsSent', 2, { channel: 'email' })),
      ...printedBy('checkout', (m) => m.count('OrdersCompleted', 1, { outcome: 'CONFIRMED' })),
    ])
      store.take(line);
    expect(store.list({ service: 'checkout' }).map((s) => s.name)).toEqual(['OrdersCompleted']);
    expect(store.list({ name: 'NotificationsSent' }).map((s) => s.dimensions)).toEqual([
      { channel: 'email', service: 'notification' },
    ]);
    expect(store.list({ namespace: 'Other' })).toEqual([]);
    store.clear();
    expect(store.list()).toEqual([]);
  });
});
