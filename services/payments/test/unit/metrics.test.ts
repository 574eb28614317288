import { ServiceMetrics } from '@payflow/shared';
import { captureMetrics, type MetricDatapoint } from '@payflow/shared/src/testing';
import { countReconcilerActions, countSettledPayment } from '../../src/adapters/metrics';
import type { Payment } from '../../src/domain/payment';

const payment = (status: Payment['status'], failureCode?: string): Payment =>
  ({
    paymentId: 'pay_1',
    status,
    subject: { kind: 'invoice', invoiceId: '10452' },
    amount: { amount: 12550, currency: 'EUR' },
    card: { brand: 'visa', last4: '4242' },
    notification: { channels: ['email'], email: 'ada@example.com' },
    ...(failureCode ? { failureCode, reason: 'why' } : {}),
    correlationId: 'corr-1',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
  }) as Payment;

const shape = (datapoints: MetricDatapoint[]) =>
  datapoints.map(({ namespace, name, unit, values, dimensions }) => ({
    namespace,
    name,
    unit,
    values,
    dimensions,
  }));

describe('payment metrics', () => {
  it('a success counts PaymentsSucceeded and its amount in minor units by currency; nothing else is a dimension', async () => {
    const metrics = new ServiceMetrics('payments');
    const { datapoints } = await captureMetrics(() => {
      countSettledPayment(metrics, payment('SUCCEEDED'));
      metrics.publish();
    });
    expect(shape(datapoints)).toEqual([
      {
        namespace: 'Payflow',
        name: 'PaymentsSucceeded',
        unit: 'Count',
        values: [1],
        dimensions: { service: 'payments' },
      },
      {
        namespace: 'Payflow',
        name: 'PaymentAmount',
        unit: 'None',
        values: [12550],
        dimensions: { service: 'payments', currency: 'EUR' },
      },
    ]);
    expect(JSON.stringify(datapoints)).not.toMatch(/4242|ada@|pay_1|corr-1/);
  });

  it('a decline by the bank counts PaymentsDeclined; a released or voided charge and a pending answer count nothing', async () => {
    const metrics = new ServiceMetrics('payments');
    const { datapoints } = await captureMetrics(() => {
      countSettledPayment(metrics, payment('FAILED', 'DECLINED'));
      countSettledPayment(metrics, payment('FAILED', 'NOT_PROCESSED'));
      countSettledPayment(metrics, payment('FAILED', 'VOIDED'));
      countSettledPayment(metrics, payment('PENDING'));
      metrics.publish();
    });
    expect(shape(datapoints)).toEqual([
      {
        namespace: 'Payflow',
        name: 'PaymentsDeclined',
        unit: 'Count',
        values: [1],
        dimensions: { service: 'payments' },
      },
    ]);
  });
});

describe('reconciler metrics', () => {
  it('counts each action of a run under its name, failures included, and not the payments it left alone', async () => {
    const metrics = new ServiceMetrics('payments');
    const { datapoints } = await captureMetrics(() => {
      countReconcilerActions(metrics, {
        published: 2,
        released: 1,
        'still-pending': 3,
        failed: 1,
        nothing: 4,
      });
      metrics.publish();
    });
    const byAction = Object.fromEntries(
      datapoints.map((d) => [d.dimensions.action, { name: d.name, unit: d.unit, values: d.values }]),
    );
    expect(byAction).toEqual({
      published: { name: 'ReconcilerActions', unit: 'Count', values: [2] },
      released: { name: 'ReconcilerActions', unit: 'Count', values: [1] },
      'still-pending': { name: 'ReconcilerActions', unit: 'Count', values: [3] },
      failed: { name: 'ReconcilerActions', unit: 'Count', values: [1] },
    });
  });
});
