import {
  afterStaleTask,
  decidePaymentResult,
  paymentDeadline,
  paymentTimeouts,
  taskCompletionFor,
} from '../../src/domain/payment';

const notification = { channels: ['email' as const], email: 'a@example.com' };
const amount = { amount: 2500, currency: 'GBP' };
const card = { brand: 'visa' as const, last4: '4242' };

describe('paymentTimeouts', () => {
  it('lets the task wait a little longer than the session lives', () => {
    expect(paymentTimeouts(900)).toEqual({ sessionSeconds: 900, taskSeconds: 960 });
    expect(paymentTimeouts(6)).toEqual({ sessionSeconds: 6, taskSeconds: 8 });
    expect(paymentTimeouts(86_400).taskSeconds).toBe(86_460);
  });
  it.each([0, -1, 1.5, 86_401, Number.NaN])('refuses %p seconds', (seconds) => {
    expect(() => paymentTimeouts(seconds)).toThrow(/whole number of seconds from 1 to 86400/);
  });
});

describe('taskCompletionFor', () => {
  it('turns PaymentSucceeded into a SUCCEEDED task result', () => {
    expect(
      taskCompletionFor({
        detailType: 'PaymentSucceeded',
        data: { paymentId: 'pay_1', orderId: 'ord_1', sessionId: 'ps_1', amount, card, notification },
      }),
    ).toEqual({ kind: 'success', output: { outcome: 'SUCCEEDED', paymentId: 'pay_1', sessionId: 'ps_1' } });
  });
  it('turns PaymentFailed into a FAILED result carrying the reason for the customer', () => {
    expect(
      taskCompletionFor({
        detailType: 'PaymentFailed',
        data: {
          paymentId: 'pay_2',
          orderId: 'ord_1',
          sessionId: 'ps_1',
          amount,
          card,
          reason: 'The card was declined.',
          notification,
        },
      }),
    ).toEqual({
      kind: 'success',
      output: { outcome: 'FAILED', paymentId: 'pay_2', sessionId: 'ps_1', reason: 'The card was declined.' },
    });
  });
  it('fails the task when the session expired unpaid', () => {
    expect(
      taskCompletionFor({
        detailType: 'PaymentSessionExpired',
        data: {
          sessionId: 'ps_1',
          orderId: 'ord_1',
          amount,
          expiredAt: '2026-11-21T10:15:00.000Z',
          notification,
        },
      }),
    ).toEqual({
      kind: 'failure',
      error: 'Payment.SessionExpired',
      cause: 'Payment session ps_1 expired at 2026-11-21T10:15:00.000Z without a payment',
    });
  });
});

describe('decidePaymentResult', () => {
  const succeeded = {
    detailType: 'PaymentSucceeded' as const,
    data: { paymentId: 'pay_1', orderId: 'ord_1', sessionId: 'ps_1', amount, card, notification },
  };
  const failed = {
    detailType: 'PaymentFailed' as const,
    data: { ...succeeded.data, reason: 'The card was declined.' },
  };
  const expired = {
    detailType: 'PaymentSessionExpired' as const,
    data: {
      sessionId: 'ps_1',
      orderId: 'ord_1',
      amount,
      expiredAt: '2026-11-21T10:15:00.000Z',
      notification,
    },
  };
  const paid = { paymentId: 'pay_1', status: 'SUCCEEDED', orderId: 'ord_1', sessionId: 'ps_1', amount };
  const waiting = {
    orderId: 'ord_1',
    status: 'AWAITING_PAYMENT',
    waiting: true,
    sessionId: 'ps_1',
    total: amount,
  };

  it('completes the task with a result payments confirms for the order’s own session and total', () => {
    expect(decidePaymentResult(succeeded, paid, waiting)).toEqual({
      action: 'complete',
      completion: {
        kind: 'success',
        output: { outcome: 'SUCCEEDED', paymentId: 'pay_1', sessionId: 'ps_1' },
      },
    });
    expect(decidePaymentResult(failed, { ...paid, status: 'FAILED' }, waiting).action).toBe('complete');
    expect(
      decidePaymentResult(
        expired,
        { sessionId: 'ps_1', status: 'EXPIRED', orderId: 'ord_1', amount },
        waiting,
      ),
    ).toMatchObject({ action: 'complete', completion: { kind: 'failure', error: 'Payment.SessionExpired' } });
  });

  it.each([
    ['payments has no such payment', undefined, /payments has no payment pay_1/],
    ['the payment is for another order', { ...paid, orderId: 'ord_2' }, /is not for order ord_1/],
    ['the payment is for another session', { ...paid, sessionId: 'ps_2' }, /is not for session ps_1/],
    ['the amount differs', { ...paid, amount: { amount: 1, currency: 'GBP' } }, /is for 1 GBP, not 2500 GBP/],
    ['the payment was declined', { ...paid, status: 'FAILED' }, /is FAILED/],
  ])('refuses a PaymentSucceeded when %s, without touching the order', (_what, record, why) => {
    const decision = decidePaymentResult(succeeded, record, waiting);
    expect(decision).toMatchObject({ action: 'ignore', suspicious: true });
    expect((decision as { why: string }).why).toMatch(why);
  });

  it('refuses a result that names no session', () => {
    const { sessionId: _none, ...withoutSession } = succeeded.data;
    expect(
      decidePaymentResult({ detailType: 'PaymentSucceeded', data: withoutSession }, paid, waiting),
    ).toMatchObject({
      action: 'ignore',
      suspicious: true,
      why: 'the PaymentSucceeded names no payment session',
    });
  });

  it('does not complete an order whose total is not the payment’s amount; the money goes back', () => {
    expect(
      decidePaymentResult(succeeded, paid, { ...waiting, total: { amount: 9999, currency: 'GBP' } }),
    ).toEqual({
      action: 'refund',
      paymentId: 'pay_1',
      amount,
      reason: 'The order was not waiting for this payment, so it has been given back.',
    });
  });

  it.each([
    ['CANCELLED', 'The order had already been cancelled after a declined card when this payment arrived.'],
    ['PAYMENT_TIMED_OUT', 'The payment arrived after the order had timed out waiting for it.'],
    ['REJECTED', 'The order had already been rejected when this payment arrived.'],
  ])('refunds a confirmed payment that arrives for a %s order', (status, reason) => {
    expect(decidePaymentResult(succeeded, paid, { ...waiting, status, waiting: false })).toEqual({
      action: 'refund',
      paymentId: 'pay_1',
      amount,
      reason,
    });
  });

  it('refunds a second payment of an order that another payment already completed', () => {
    expect(
      decidePaymentResult(succeeded, paid, {
        ...waiting,
        status: 'CONFIRMED',
        waiting: false,
        paymentId: 'pay_0',
      }),
    ).toMatchObject({ action: 'refund', paymentId: 'pay_1' });
  });

  it('ignores a redelivery of the payment that completed the order', () => {
    expect(
      decidePaymentResult(succeeded, paid, {
        ...waiting,
        status: 'CONFIRMED',
        waiting: false,
        paymentId: 'pay_1',
      }),
    ).toEqual({ action: 'ignore', why: 'this payment already completed the order', suspicious: false });
  });

  it('completes again a result the order already accepted (a crash before the task was completed)', () => {
    expect(decidePaymentResult(succeeded, paid, { ...waiting, acceptedResult: 'pay_1' }).action).toBe(
      'complete',
    );
  });

  it('refunds a payment when the order already accepted another result', () => {
    expect(decidePaymentResult(succeeded, paid, { ...waiting, acceptedResult: 'pay_0' })).toMatchObject({
      action: 'refund',
    });
  });

  it('ignores a decline for an order that no longer waits', () => {
    expect(
      decidePaymentResult(
        failed,
        { ...paid, status: 'FAILED' },
        { ...waiting, status: 'PAYMENT_TIMED_OUT', waiting: false },
      ),
    ).toMatchObject({ action: 'ignore', suspicious: false });
  });
});

describe('afterStaleTask', () => {
  const succeeded = {
    detailType: 'PaymentSucceeded' as const,
    data: { paymentId: 'pay_1', orderId: 'ord_1', sessionId: 'ps_1', amount, card, notification },
  };
  const order = { orderId: 'ord_1', waiting: false, sessionId: 'ps_1', total: amount };
  it('refunds a payment taken after the order timed out', () => {
    expect(afterStaleTask(succeeded, { ...order, status: 'PAYMENT_TIMED_OUT' })).toMatchObject({
      action: 'refund',
    });
  });
  it('keeps the payment that completed the order', () => {
    expect(afterStaleTask(succeeded, { ...order, status: 'CONFIRMED', paymentId: 'pay_1' })).toMatchObject({
      action: 'ignore',
    });
  });
  it('asks to try again while the order still says AWAITING_PAYMENT', () => {
    expect(afterStaleTask(succeeded, { ...order, status: 'AWAITING_PAYMENT' })).toBe('unsettled');
  });
});

describe('paymentDeadline', () => {
  it('is the moment the payment state was entered plus the session’s life', () => {
    expect(paymentDeadline('2026-11-21T10:00:00.000Z', 900).toISOString()).toBe('2026-11-21T10:15:00.000Z');
  });
});
