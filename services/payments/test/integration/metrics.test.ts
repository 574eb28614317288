/**
 * Payments' CloudWatch metrics through the local cloud: a real payment under serverless-offline prints EMF, and the
 * local cloud serves it at /_local/metrics as CloudWatch would count it. Amounts are unusual and in SEK, which no
 * other test pays in, so tests running beside this one do not blur what it reads.
 */
import { localMetrics, waitForMetric, type LocalMetric } from '@payflow/local-cloud/src/testing';
import { api, CARD, ENDPOINT, ensureInvoicesTable, newKey, NOTIFY, seedBill } from './local';

const paySek = (invoiceId: string, amount: number) =>
  api('POST', `/invoices/${invoiceId}/payments`, {
    body: { amount: { amount, currency: 'SEK' }, card: CARD, notification: NOTIFY },
    key: newKey(),
  });

const total = (metrics: LocalMetric[], name: string) =>
  metrics.filter((m) => m.name === name).reduce((sum, m) => sum + m.sum, 0);

beforeAll(async () => {
  await ensureInvoicesTable();
});

describe('payment metrics at /_local/metrics', () => {
  it('a successful payment counts PaymentsSucceeded and its amount under its currency', async () => {
    const before = await localMetrics(ENDPOINT, { service: 'payments' });
    const bill = await seedBill(50_000, 'SEK');
    const amount = 31_700 + Math.floor(Math.random() * 1000);
    expect((await paySek(bill.invoiceId, amount)).status).toBe(201);

    const series = await waitForMetric(ENDPOINT, { service: 'payments', name: 'PaymentAmount' }, (metrics) =>
      metrics.find((m) => m.dimensions.currency === 'SEK' && m.values.includes(amount)),
    );
    expect(series).toMatchObject({
      namespace: 'Payflow',
      unit: 'None',
      dimensions: { service: 'payments', currency: 'SEK' },
    });
    const after = await localMetrics(ENDPOINT, { service: 'payments' });
    expect(total(after, 'PaymentsSucceeded') - total(before, 'PaymentsSucceeded')).toBeGreaterThanOrEqual(1);
    expect(after.find((m) => m.name === 'PaymentsSucceeded')).toMatchObject({
      namespace: 'Payflow',
      unit: 'Count',
      dimensions: { service: 'payments' },
    });
  });

  it('a declined card (1.00) counts PaymentsDeclined, and no amount', async () => {
    const before = await localMetrics(ENDPOINT, { service: 'payments' });
    const bill = await seedBill(50_000, 'SEK');
    expect((await paySek(bill.invoiceId, 100)).status).toBe(402);

    await waitForMetric(ENDPOINT, { service: 'payments', name: 'PaymentsDeclined' }, (metrics) =>
      total(metrics, 'PaymentsDeclined') > total(before, 'PaymentsDeclined') ? true : undefined,
    );
    const sekAmounts = (await localMetrics(ENDPOINT, { name: 'PaymentAmount' })).find(
      (m) => m.dimensions.currency === 'SEK',
    );
    expect(sekAmounts?.values ?? []).not.toContain(100);
  });

  it('shows no card number, e-mail address or token, and keeps EMF lines out of the function log', async () => {
    const metrics = JSON.stringify(await localMetrics(ENDPOINT));
    expect(metrics).not.toContain(CARD.number.replace(/\s/g, '').slice(-8));
    expect(metrics).not.toContain(NOTIFY.email);
    // Dimensions name only what an operator groups by; never a customer, a card, a payment or a token.
    const dimensionNames = new Set((await localMetrics(ENDPOINT)).flatMap((m) => Object.keys(m.dimensions)));
    expect(
      [...dimensionNames].filter(
        (name) => !['service', 'currency', 'channel', 'action', 'outcome'].includes(name),
      ),
    ).toEqual([]);
    expect(metrics).not.toMatch(/"(email|card|token|paymentId|invoiceId)":/);
    const logs = await (await fetch(`${ENDPOINT}/_local/logs`)).text();
    expect(logs).toContain('Invoice payment settled');
    expect(logs).not.toContain('CloudWatchMetrics');
  });
});
