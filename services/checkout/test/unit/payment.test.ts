import { paymentTimeouts, taskCompletionFor } from '../../src/domain/payment';

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
