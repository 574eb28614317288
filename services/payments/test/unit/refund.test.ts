import type { BankProvider, RefundRequest } from '../../src/domain/bank';
import { createBankSimulator } from '../../src/domain/bank-simulator';
import type { Payment } from '../../src/domain/payment';
import {
  refundIdFor,
  refundPayment,
  refusalToRefund,
  type RecordRefundResult,
  type RefundInstruction,
  type RefundStore,
} from '../../src/domain/refund';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const at = new Date('2026-11-21T10:30:00.000Z');

function paidOrder(overrides: Partial<Payment> = {}): Payment {
  return {
    paymentId: 'pay_order',
    status: 'SUCCEEDED',
    subject: { kind: 'session', sessionId: 'ps_1', orderId: 'ord_1', customerId: 'cust-1' },
    amount: eur(4999),
    card: { brand: 'visa', last4: '4242' },
    notification: { channels: ['email'], email: 'ada@example.com' },
    providerReference: 'sim-pay_order',
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}

const request = (overrides: Partial<RefundInstruction> = {}): RefundInstruction => ({
  paymentId: 'pay_order',
  orderId: 'ord_1',
  amount: eur(4999),
  reason: 'No carrier ships to the delivery address',
  ...overrides,
});

/**
 * The payments table (and an invoice ledger) in memory, with the adapter's conditions: a claim only on SUCCEEDED,
 * recording only on REFUNDING with the same refund id, the ledger write only on the version read.
 */
function memoryStore(payment: Payment | undefined, ledger = { paidAmount: 0, version: 0 }) {
  const payments = new Map<string, Payment>(payment ? [[payment.paymentId, payment]] : []);
  const calls: string[] = [];
  let ledgerRaces = 0;
  const store: RefundStore = {
    get: async (paymentId) => structuredClone(payments.get(paymentId)),
    async claim(claimed) {
      calls.push('claim');
      if (payments.get(claimed.paymentId)?.status !== 'SUCCEEDED') return false;
      payments.set(claimed.paymentId, claimed);
      return true;
    },
    async record(refunded): Promise<RecordRefundResult> {
      calls.push('record');
      const stored = payments.get(refunded.paymentId);
      if (stored?.status !== 'REFUNDING' || stored.refund?.refundId !== refunded.refund?.refundId) {
        return 'not-refunding';
      }
      if (refunded.subject.kind === 'invoice') {
        if (ledgerRaces > 0) {
          ledgerRaces -= 1;
          ledger.version += 1; // another payment moved the ledger between our read and our write
          return 'conflict';
        }
        ledger.paidAmount -= refunded.amount.amount;
        ledger.version += 1;
      }
      payments.set(refunded.paymentId, refunded);
      return 'recorded';
    },
    async markPublished(paymentId, publishedAt) {
      calls.push('markPublished');
      const stored = payments.get(paymentId) as Payment;
      payments.set(paymentId, {
        ...stored,
        refund: { ...stored.refund!, publishedAt: publishedAt.toISOString() },
      });
    },
  };
  return { store, payments, ledger, calls, loseLedgerRaces: (times: number) => (ledgerRaces = times) };
}

/** `null`: the payments table holds no such payment. */
function setup(payment: Payment | null = paidOrder(), bank?: BankProvider) {
  const memory = memoryStore(payment ?? undefined);
  const simulator = createBankSimulator({ apiKey: 'k' });
  const bankRefunds: RefundRequest[] = [];
  const published: Payment[] = [];
  const deps = {
    bank: bank ?? {
      ...simulator,
      refund: async (refund: RefundRequest) => {
        bankRefunds.push(refund);
        return simulator.refund(refund);
      },
    },
    store: memory.store,
    publishRefunded: async (refunded: Payment) => {
      published.push(refunded);
    },
    now: () => at,
    sleep: async () => undefined,
  };
  return { ...memory, deps, bankRefunds, published };
}

describe('refundIdFor', () => {
  it('gives one refund id per payment, the same every time', () => {
    expect(refundIdFor('pay_a')).toBe(refundIdFor('pay_a'));
    expect(refundIdFor('pay_a')).not.toBe(refundIdFor('pay_b'));
    expect(refundIdFor('pay_a')).toMatch(/^ref_[0-9a-f]{32}$/);
  });
});

describe('refusalToRefund', () => {
  it('allows a SUCCEEDED payment of the order, for its whole amount', () => {
    expect(refusalToRefund(paidOrder(), request())).toBeUndefined();
  });

  it('refuses an unknown payment, and every status but SUCCEEDED, saying which', () => {
    expect(refusalToRefund(undefined, request())).toMatch(/pay_order was not found/);
    for (const status of ['PROCESSING', 'PENDING', 'FAILED', 'SUPERSEDED'] as const) {
      expect(refusalToRefund(paidOrder({ status }), request())).toBe(
        `Payment pay_order is ${status}; only a SUCCEEDED payment can be refunded`,
      );
    }
  });

  it('refuses a request for another order, another amount or another currency', () => {
    expect(refusalToRefund(paidOrder(), request({ orderId: 'ord_2' }))).toMatch(
      /paid order ord_1, not order ord_2/,
    );
    expect(refusalToRefund(paidOrder(), request({ amount: eur(1000) }))).toMatch(
      /10.00 EUR was asked for payment pay_order of 49.99 EUR; only the whole payment/,
    );
    expect(refusalToRefund(paidOrder(), request({ amount: { amount: 4999, currency: 'GBP' } }))).toMatch(
      /A refund in GBP was asked for payment pay_order in EUR/,
    );
  });

  it('does not refuse a refund already claimed or made, whatever a repeated request says', () => {
    expect(refusalToRefund(paidOrder({ status: 'REFUNDING' }), request({ amount: eur(1) }))).toBeUndefined();
    expect(refusalToRefund(paidOrder({ status: 'REFUNDED' }), request({ orderId: 'x' }))).toBeUndefined();
  });

  it("refuses an order's refund request that names an invoice payment", () => {
    const invoicePayment = paidOrder({ subject: { kind: 'invoice', invoiceId: 'INV-1', customerId: 'C-1' } });
    expect(refusalToRefund(invoicePayment, request({ orderId: 'ord_any' }))).toBe(
      'Payment pay_order paid invoice INV-1, not order ord_any; nothing refunded',
    );
  });

  it('refunds an invoice payment when no order is named (an operator refund)', () => {
    const invoicePayment = paidOrder({ subject: { kind: 'invoice', invoiceId: 'INV-1', customerId: 'C-1' } });
    const { orderId: _none, ...withoutOrder } = request();
    expect(refusalToRefund(invoicePayment, withoutOrder)).toBeUndefined();
  });
});

describe('refundPayment', () => {
  it('claims, asks the bank under the refund id, records REFUNDED with the reason, then publishes once', async () => {
    const { deps, payments, calls, bankRefunds, published } = setup();
    const result = await refundPayment(request(), deps);
    const refundId = refundIdFor('pay_order');
    expect(result.outcome).toBe('refunded');
    expect(calls).toEqual(['claim', 'record', 'markPublished']);
    expect(bankRefunds).toEqual([
      { refundId, paymentId: 'pay_order', providerReference: 'sim-pay_order', amount: eur(4999) },
    ]);
    expect(payments.get('pay_order')).toMatchObject({
      status: 'REFUNDED',
      reason: 'No carrier ships to the delivery address',
      refund: {
        refundId,
        requestedAt: at.toISOString(),
        refundedAt: at.toISOString(),
        providerReference: `sim-${refundId}`,
        publishedAt: at.toISOString(),
      },
    });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ status: 'REFUNDED', refund: { refundId } });
  });

  it('does nothing again for a request delivered twice: one bank refund, one event', async () => {
    const { deps, bankRefunds, published } = setup();
    await refundPayment(request(), deps);
    const again = await refundPayment(request({ reason: 'Paid after the order timed out' }), deps);
    expect(again.outcome).toBe('already-refunded');
    expect(bankRefunds).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('resumes a refund whose worker crashed after the bank call: same refund id, recorded once', async () => {
    const { deps, payments, bankRefunds, published } = setup();
    const crashing = {
      ...deps,
      store: {
        ...deps.store,
        record: async () => {
          throw new Error('Lambda timed out');
        },
      },
    };
    await expect(refundPayment(request(), crashing)).rejects.toThrow('Lambda timed out');
    expect(payments.get('pay_order')?.status).toBe('REFUNDING');
    const resumed = await refundPayment(request(), deps);
    expect(resumed.outcome).toBe('refunded');
    expect(bankRefunds.map((refund) => refund.refundId)).toEqual([
      refundIdFor('pay_order'),
      refundIdFor('pay_order'),
    ]);
    expect(payments.get('pay_order')?.status).toBe('REFUNDED');
    expect(published).toHaveLength(1);
  });

  it('publishes on the retry when the bus refused the event after the refund was recorded', async () => {
    const { deps, payments, bankRefunds, published } = setup();
    let busDown = true;
    const flaky = {
      ...deps,
      publishRefunded: async (payment: Payment) => {
        if (busDown) throw new Error('PutEvents failed');
        published.push(payment);
      },
    };
    await expect(refundPayment(request(), flaky)).rejects.toThrow('PutEvents failed');
    expect(payments.get('pay_order')?.status).toBe('REFUNDED');
    busDown = false;
    expect((await refundPayment(request(), flaky)).outcome).toBe('refunded');
    expect(published).toHaveLength(1);
    expect(bankRefunds).toHaveLength(1);
    expect((await refundPayment(request(), flaky)).outcome).toBe('already-refunded');
  });

  it('leaves the payment REFUNDING when the bank is unreachable, and says the retry asks again', async () => {
    const simulator = createBankSimulator({ apiKey: 'k' });
    const down: BankProvider = {
      ...simulator,
      refund: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const { deps, payments, published } = setup(paidOrder(), down);
    await expect(refundPayment(request(), deps)).rejects.toThrow(
      /did not answer the refund \(connect ECONNREFUSED\); payment pay_order stays REFUNDING/,
    );
    expect(payments.get('pay_order')?.status).toBe('REFUNDING');
    expect(published).toHaveLength(0);
  });

  it('refuses, without touching anything, a payment that did not succeed or is unknown', async () => {
    for (const payment of [paidOrder({ status: 'FAILED' }), null]) {
      const { deps, calls, bankRefunds, published } = setup(payment);
      const result = await refundPayment(request(), deps);
      expect(result.outcome).toBe('refused');
      expect(calls).toEqual([]);
      expect(bankRefunds).toHaveLength(0);
      expect(published).toHaveLength(0);
    }
  });

  it('gives an invoice payment back to its ledger, retrying a lost version race, and refunds once', async () => {
    const invoicePayment = paidOrder({ subject: { kind: 'invoice', invoiceId: 'INV-1', customerId: 'C-1' } });
    const { deps, ledger, calls, bankRefunds, published, loseLedgerRaces } = setup(invoicePayment);
    ledger.paidAmount = 4999;
    ledger.version = 1;
    loseLedgerRaces(2);
    const { orderId: _none, ...operatorRefund } = request();
    const result = await refundPayment(operatorRefund, deps);
    expect(result.outcome).toBe('refunded');
    expect(calls).toEqual(['claim', 'record', 'record', 'record', 'markPublished']);
    expect(ledger).toEqual({ paidAmount: 0, version: 4 });
    expect(bankRefunds).toHaveLength(1); // the bank's answer is kept across ledger retries
    expect(published).toHaveLength(1);
  });

  it('carries on from another delivery that claimed the payment first', async () => {
    const { deps, payments, published } = setup();
    // The other delivery claims between our read and our claim.
    const raced = {
      ...deps,
      store: {
        ...deps.store,
        claim: async (claimed: Payment) => {
          payments.set(claimed.paymentId, { ...claimed, reason: 'the other request' });
          return false;
        },
      },
    };
    const result = await refundPayment(request(), raced);
    expect(result.outcome).toBe('refunded');
    expect(payments.get('pay_order')).toMatchObject({ status: 'REFUNDED', reason: 'the other request' });
    expect(published).toHaveLength(1);
  });
});
