import { orderView, type OrderRecord } from '../../src/domain/order-record';

const record: OrderRecord = {
  orderId: 'ord_1',
  status: 'AWAITING_PAYMENT',
  paymentStatus: 'AWAITING_PAYMENT',
  shippingStatus: 'NOT_CHECKED',
  order: JSON.stringify({
    orderId: 'ord_1',
    items: [{ sku: 'MUG-STONEWARE', quantity: 1, unitPrice: { amount: 1200, currency: 'GBP' } }],
    total: { amount: 1200, currency: 'GBP' },
  }),
  correlationId: 'c-1',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:payflow-checkout-local:ord_1',
  createdAt: '2026-11-21T10:00:00.000Z',
  updatedAt: '2026-11-21T10:00:01.000Z',
  statusHistory: [
    { status: 'PENDING', at: '2026-11-21T10:00:00.000Z' },
    { status: 'AWAITING_PAYMENT', at: '2026-11-21T10:00:01.000Z' },
  ],
  session: {
    sessionId: 'ps_1',
    payUrl: 'http://localhost:3000/?session=ps_1',
    expiresAt: '2026-11-21T10:15:00.000Z',
  },
  taskToken: 'secret-task-token',
};

describe('orderView', () => {
  it('never shows the task token', () => {
    expect(JSON.stringify(orderView(record))).not.toContain('secret-task-token');
  });
  it('links to the pay page only while the order waits for payment', () => {
    expect(orderView(record).links.pay).toBe('http://localhost:3000/?session=ps_1');
    expect(orderView({ ...record, status: 'CONFIRMED' }).links.pay).toBeUndefined();
  });
  it('shows the session, the history and the total', () => {
    expect(orderView(record)).toMatchObject({
      payment: { sessionId: 'ps_1' },
      history: [{ status: 'PENDING' }, { status: 'AWAITING_PAYMENT' }],
      total: { amount: 1200, currency: 'GBP' },
    });
  });
});
