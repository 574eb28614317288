import { UnprocessableError, type Money } from '@payflow/shared';
import { createBankSimulator } from '../../src/domain/bank-simulator';
import type { BankProvider } from '../../src/domain/bank';
import { refusalToPay, type InvoiceAccount } from '../../src/domain/invoice';
import { processPayment, type PaymentStore, type PaymentTarget } from '../../src/domain/pay';
import type { Payment } from '../../src/domain/payment';

/** An invoice ledger in memory with the same optimistic-locking contract as the DynamoDB adapter. */
function memoryInvoice(billedAmount: number) {
  const ledger = { paidAmount: 0, version: 0 };
  const payments = new Map<string, Payment>();
  const target: PaymentTarget<InvoiceAccount> = {
    subject: { kind: 'invoice', invoiceId: 'INV-1', customerId: 'C-1' },
    async prepare(amount: Money) {
      await Promise.resolve();
      const account: InvoiceAccount = {
        invoiceId: 'INV-1',
        customerId: 'C-1',
        customerName: 'Grace',
        billedAmount,
        currency: 'EUR',
        ...ledger,
      };
      const refusal = refusalToPay(account, amount);
      if (refusal) throw new UnprocessableError(refusal);
      return account;
    },
    async reserve(account, payment, supersedes) {
      await Promise.resolve();
      if (payments.has(payment.paymentId)) return 'payment-exists';
      if (account.version !== ledger.version) return 'conflict';
      if (supersedes && payments.get(supersedes.paymentId)?.status !== 'PENDING') return 'conflict';
      ledger.paidAmount = account.paidAmount + payment.amount.amount;
      ledger.version += 1;
      payments.set(payment.paymentId, payment);
      if (supersedes) payments.set(supersedes.paymentId, { ...supersedes, status: 'SUPERSEDED' });
      return 'reserved';
    },
    async settle(payment) {
      await Promise.resolve();
      if (payment.status !== 'SUCCEEDED') {
        ledger.paidAmount -= payment.amount.amount;
        ledger.version += 1;
      }
      payments.set(payment.paymentId, payment);
    },
  };
  const store: PaymentStore = {
    get: async (id) => payments.get(id),
    findPending: async (_key, amount, last4) =>
      [...payments.values()].find(
        (p) => p.status === 'PENDING' && p.amount.amount === amount.amount && p.card.last4 === last4,
      ),
  };
  return { target, store, ledger, payments };
}

const card = {
  number: '4242 4242 4242 4242',
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '123',
  holderName: 'Ada',
};
const notification = { channels: ['email' as const], email: 'ada@example.com' };
const eur = (amount: number) => ({ amount, currency: 'EUR' });

function setup(billed = 10000, bank: BankProvider = createBankSimulator({ apiKey: 'k' })) {
  const invoice = memoryInvoice(billed);
  const published: Payment[] = [];
  const deps = {
    bank,
    payments: invoice.store,
    publishOutcome: async (payment: Payment) => {
      published.push(payment);
    },
    sleep: async () => undefined,
  };
  const pay = (paymentId: string, amount: number) =>
    processPayment(invoice.target, { paymentId, amount: eur(amount), card, notification }, deps);
  return { ...invoice, published, pay };
}

describe('paying an invoice', () => {
  it('records the payment with only brand and last four, moves the balance and publishes once', async () => {
    const { pay, ledger, published } = setup();
    const payment = await pay('pay_a', 3000);
    expect(payment).toMatchObject({ status: 'SUCCEEDED', card: { brand: 'visa', last4: '4242' } });
    expect(JSON.stringify(payment)).not.toContain('4242424242424242');
    expect(JSON.stringify(payment)).not.toContain('"123"');
    expect(ledger.paidAmount).toBe(3000);
    expect(published.map((p) => p.status)).toEqual(['SUCCEEDED']);
  });

  it('gives the hold back when the bank declines, and says why', async () => {
    const { pay, ledger, published } = setup();
    const payment = await pay('pay_a', 100);
    expect(payment).toMatchObject({ status: 'FAILED', failureCode: 'DECLINED' });
    expect(ledger.paidAmount).toBe(0);
    expect(published[0]?.reason).toMatch(/declined/);
  });

  it('completes a pending 24.00 when the same amount is paid again, without taking it twice', async () => {
    const { pay, ledger, payments, published } = setup();
    const first = await pay('pay_a', 2400);
    expect(first.status).toBe('PENDING');
    expect(ledger.paidAmount).toBe(0);
    expect(published).toHaveLength(0);
    const second = await pay('pay_b', 2400);
    expect(second).toMatchObject({ status: 'SUCCEEDED', supersedes: 'pay_a' });
    expect(payments.get('pay_a')?.status).toBe('SUPERSEDED');
    expect(ledger.paidAmount).toBe(2400);
    expect((await pay('pay_c', 2400)).status).toBe('PENDING');
  });

  it('lets at most 3 of 10 concurrent 30.00 payments through on a 100.00 invoice', async () => {
    const { pay, ledger } = setup(10000);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => pay(`pay_${i}`, 3000)));
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(succeeded).toHaveLength(3);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(UnprocessableError);
    expect(ledger.paidAmount).toBe(9000);
  });

  it('resumes instead of charging twice when the same payment id comes again', async () => {
    const charges: string[] = [];
    const simulator = createBankSimulator({ apiKey: 'k' });
    const bank: BankProvider = {
      charge: async (request) => {
        charges.push(request.paymentId);
        return simulator.charge(request);
      },
      confirmPending: simulator.confirmPending,
      refund: simulator.refund,
    };
    const { pay, ledger, published } = setup(10000, bank);
    await pay('pay_a', 3000);
    const again = await pay('pay_a', 3000);
    expect(again.status).toBe('SUCCEEDED');
    expect(charges).toEqual(['pay_a']);
    expect(ledger.paidAmount).toBe(3000);
    expect(published.map((p) => p.paymentId)).toEqual(['pay_a', 'pay_a']); // same event id, consumers dedupe
  });

  it('keeps the payment on hold and answers 502 when the bank is unreachable; a retry finishes it', async () => {
    let down = true;
    const simulator = createBankSimulator({ apiKey: 'k' });
    const bank: BankProvider = {
      charge: async (request) => {
        if (down) throw new Error('connect ECONNREFUSED');
        return simulator.charge(request);
      },
      confirmPending: simulator.confirmPending,
      refund: simulator.refund,
    };
    const { pay, ledger, payments } = setup(10000, bank);
    await expect(pay('pay_a', 3000)).rejects.toMatchObject({ status: 502 });
    expect(payments.get('pay_a')?.status).toBe('PROCESSING');
    expect(ledger.paidAmount).toBe(3000);
    down = false;
    expect((await pay('pay_a', 3000)).status).toBe('SUCCEEDED');
    expect(ledger.paidAmount).toBe(3000);
  });
});
