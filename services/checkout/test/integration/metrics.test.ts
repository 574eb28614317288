/**
 * Checkout's OrdersCompleted through the local cloud: orders run by the real state machine reach their outcome, and
 * /_local/metrics shows each under its outcome, counted by the task that settled its stock.
 */
import { localMetrics, waitForMetric, type LocalMetric } from '@payflow/local-cloud/src/testing';
import { checkoutBody, endpoint, paySession, startCheckout, waitForFinal, waitForSession } from './local';

const completed = (metrics: LocalMetric[], outcome: string) =>
  metrics
    .filter((m) => m.name === 'OrdersCompleted' && m.dimensions.outcome === outcome)
    .reduce((sum, m) => sum + m.sum, 0);

async function expectCounted(outcome: string, before: LocalMetric[]): Promise<void> {
  const series = await waitForMetric(
    endpoint(),
    { service: 'checkout', name: 'OrdersCompleted' },
    (metrics) =>
      completed(metrics, outcome) > completed(before, outcome)
        ? metrics.find((m) => m.dimensions.outcome === outcome)
        : undefined,
  );
  expect(series).toMatchObject({
    namespace: 'Payflow',
    unit: 'Count',
    dimensions: { service: 'checkout', outcome },
  });
}

describe('OrdersCompleted at /_local/metrics', () => {
  it('counts an order rejected for an out-of-stock item as REJECTED', async () => {
    const before = await localMetrics(endpoint(), { service: 'checkout' });
    const started = await startCheckout(checkoutBody({ items: [{ sku: 'KETTLE-COPPER', quantity: 1 }] }));
    expect(await waitForFinal(started.orderId)).toMatchObject({ status: 'REJECTED' });
    await expectCounted('REJECTED', before);
  });

  it('counts an order paid at once as CONFIRMED', async () => {
    const before = await localMetrics(endpoint(), { service: 'checkout' });
    const started = await startCheckout(checkoutBody());
    const awaiting = await waitForSession(started.orderId);
    expect((await paySession(awaiting.payment.sessionId)).status).toBe(201);
    expect(await waitForFinal(started.orderId)).toMatchObject({ status: 'CONFIRMED' });
    await expectCounted('CONFIRMED', before);
  });
});
