import { DomainError } from '@payflow/shared';
import type { BankProvider } from '../../src/domain/bank';
import { createBankSimulator, memoryDecisions } from '../../src/domain/bank-simulator';
import { invoiceRules, type InvoiceAccount, type LedgerChange } from '../../src/domain/invoice';
import { processPayment, type PaymentStore, type PaymentTarget } from '../../src/domain/pay';
import type { OutboxEvent, Payment } from '../../src/domain/payment';
import { reconcilePayment } from '../../src/domain/reconcile';

/**
 * An invoice in memory that stores what it is told, with the adapter's write conditions (version, status): the
 * rules (what may be paid, the new ledger) are the domain's, given to it as changes.
 */
function memoryInvoice(billedAmount: number) {
  const ledger: { paidAmount: number; version: number; hadPending?: boolean } = { paidAmount: 0, version: 0 };
  const payments = new Map<string, Payment>();
  const outbox = new Map<string, OutboxEvent>();
  const faults = { settle: 0 };
  const applyLedger = (change: LedgerChange) => {
    if (change.kind === 'hold') Object.assign(ledger, change.to);
    if (change.kind === 'release') {
      ledger.paidAmount -= change.amount;
      ledger.version += 1;
      if (change.pending) ledger.hadPending = true;
    }
  };
  const target: PaymentTarget<InvoiceAccount, LedgerChange> = {
    async read() {
      await Promise.resolve();
      return {
        invoiceId: 'INV-1',
        customerId: 'C-1',
        customerName: 'Grace',
        billedAmount,
        currency: 'EUR',
        settledByBiller: false,
        ...ledger,
      };
    },
    async hold(change, payment, supersedes) {
      await Promise.resolve();
      if (payments.has(payment.paymentId)) return 'payment-exists';
      if (change.kind === 'hold' && change.from.version !== ledger.version) return 'lost-race';
      if (supersedes && payments.get(supersedes.paymentId)?.status !== 'PENDING') return 'lost-race';
      applyLedger(change);
      payments.set(payment.paymentId, payment);
      if (supersedes) payments.set(supersedes.paymentId, { ...supersedes, status: 'SUPERSEDED' });
      return 'held';
    },
    async settle({ payment, from, change, outbox: event }) {
      await Promise.resolve();
      if (faults.settle > 0) {
        faults.settle -= 1;
        throw new Error('injected: settle failed');
      }
      if (payments.get(payment.paymentId)?.status !== from) return false;
      applyLedger(change);
      payments.set(payment.paymentId, payment);
      if (event) outbox.set(payment.paymentId, event);
      return true;
    },
  };
  const store: PaymentStore = {
    get: async (id) => payments.get(id),
    findPending: async (_key, amount, last4) =>
      [...payments.values()].find(
        (p) => p.status === 'PENDING' && p.amount.amount === amount.amount && p.card.last4 === last4,
      ),
    claim: async (id, until, now) => {
      const payment = payments.get(id);
      if (payment?.status !== 'PROCESSING') return false;
      if (payment.inFlightUntil && Date.parse(payment.inFlightUntil) > now.getTime()) return false;
      payments.set(id, { ...payment, inFlightUntil: until.toISOString() });
      return true;
    },
    clearInFlight: async (id) => {
      const payment = payments.get(id);
      if (payment?.status !== 'PROCESSING') return;
      const { inFlightUntil: _gone, ...rest } = payment;
      payments.set(id, rest);
    },
  };
  return { target, store, ledger, payments, outbox, faults };
}

/** The simulator, noting each charge it is asked for; `first` runs before it answers (to delay or drop it). */
function countingBank(first?: (charges: string[]) => Promise<void> | undefined) {
  const charges: string[] = [];
  const simulator = createBankSimulator({ apiKey: 'k' });
  const bank: BankProvider = {
    ...simulator,
    charge: async (request) => {
      charges.push(request.paymentId);
      await first?.(charges);
      return simulator.charge(request);
    },
  };
  return { bank, charges };
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

function setup(
  billed = 10000,
  bank: BankProvider = createBankSimulator({ apiKey: 'k' }),
  onSettled?: (payment: Payment) => void,
) {
  const invoice = memoryInvoice(billed);
  const published: OutboxEvent[] = [];
  const faults = { publish: 0 };
  const publish = async (paymentId: string, event: OutboxEvent) => {
    if (faults.publish > 0) {
      faults.publish -= 1;
      throw new Error('injected: PutEvents failed');
    }
    published.push(event);
    invoice.outbox.delete(paymentId);
  };
  const deps = {
    bank,
    payments: invoice.store,
    publish,
    correlationId: 'corr-1',
    sleep: async () => undefined,
    ...(onSettled ? { onSettled } : {}),
  };
  const rules = invoiceRules('INV-1');
  /** A request for `amount` under the key that makes `paymentId`; its fingerprint follows from what it asks. */
  const request = (paymentId: string, amount: number) => ({
    paymentId,
    fingerprint: `fingerprint-of-${amount}`,
    inFlightUntil: new Date(Date.now() + 15_000),
    amount: eur(amount),
    card,
    notification,
  });
  const attempt = (paymentId: string, amount: number) =>
    processPayment(invoice.target, rules, request(paymentId, amount), deps);
  const pay = async (paymentId: string, amount: number) => (await attempt(paymentId, amount)).payment;
  const reconcile = (paymentId: string) =>
    reconcilePayment(
      {
        payment: invoice.payments.get(paymentId)!,
        ...(invoice.outbox.get(paymentId) ? { outbox: invoice.outbox.get(paymentId)! } : {}),
      },
      {
        bank,
        publish,
        targetOf: () => ({ target: invoice.target, rules }) as never,
        ...(onSettled ? { onSettled } : {}),
      },
    );
  return { ...invoice, published, pay, attempt, request, deps, rules, reconcile, publishFaults: faults };
}

describe('paying an invoice', () => {
  it('records the payment with only brand and last four, moves the balance and publishes once', async () => {
    const { pay, ledger, published } = setup();
    const payment = await pay('pay_a', 3000);
    expect(payment).toMatchObject({ status: 'SUCCEEDED', card: { brand: 'visa', last4: '4242' } });
    expect(JSON.stringify(payment)).not.toContain('4242424242424242');
    expect(JSON.stringify(payment)).not.toContain('"123"');
    expect(ledger.paidAmount).toBe(3000);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('gives the hold back when the bank declines, and says why', async () => {
    const { pay, ledger, published } = setup();
    const payment = await pay('pay_a', 100);
    expect(payment).toMatchObject({ status: 'FAILED', failureCode: 'DECLINED' });
    expect(ledger.paidAmount).toBe(0);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentFailed']);
    expect((published[0]!.data as { reason: string }).reason).toMatch(/declined/);
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

  it('looks for a pending payment to complete only once the bank has left one of the invoice pending', async () => {
    const { pay, store } = setup();
    const searches: string[] = [];
    const findPending = store.findPending;
    store.findPending = async (...args) => {
      searches.push(args[0]);
      return findPending(...args);
    };
    await pay('pay_a', 3000);
    expect(searches).toEqual([]);
    expect((await pay('pay_b', 2400)).status).toBe('PENDING');
    expect(searches).toEqual([]);
    expect((await pay('pay_c', 2400)).status).toBe('SUCCEEDED');
    expect(searches).toEqual(['invoice#INV-1']);
  });

  it('lets at most 3 of 10 concurrent 30.00 payments through on a 100.00 invoice', async () => {
    const { pay, ledger } = setup(10000);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => pay(`pay_${i}`, 3000)));
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(succeeded).toHaveLength(3);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ kind: 'Invalid' });
    expect(ledger.paidAmount).toBe(9000);
  });

  it('answers a repeat with the payment as it stands, charging once and publishing once', async () => {
    const { bank, charges } = countingBank();
    const { attempt, ledger, published } = setup(10000, bank);
    const first = await attempt('pay_a', 3000);
    const again = await attempt('pay_a', 3000);
    expect(first).toMatchObject({ payment: { status: 'SUCCEEDED' }, before: { paidAmount: 0 } });
    expect(first.replayed).toBeUndefined();
    expect(again).toMatchObject({
      payment: { status: 'SUCCEEDED', paymentId: 'pay_a' },
      replayed: true,
      current: { paidAmount: 3000 },
    });
    expect(charges).toEqual(['pay_a']);
    expect(ledger.paidAmount).toBe(3000);
    expect(published).toHaveLength(1);
  });

  it('refuses another request under the same key (Invalid), without charging or holding anything', async () => {
    const { pay, ledger, payments } = setup();
    await pay('pay_a', 3000);
    await expect(pay('pay_a', 1500)).rejects.toMatchObject({
      kind: 'Invalid',
      message: expect.stringMatching(/already used for a different request/),
    });
    expect(payments.get('pay_a')?.amount.amount).toBe(3000);
    expect(ledger.paidAmount).toBe(3000);
  });

  it('tells a repeat that arrives while its request is still at work to wait (Busy), and charges once', async () => {
    let answer!: () => void;
    const { bank, charges } = countingBank(() => new Promise<void>((resolve) => (answer = resolve)));
    const { pay, ledger } = setup(10000, bank);
    const first = pay('pay_a', 3000);
    while (charges.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await expect(pay('pay_a', 3000)).rejects.toMatchObject({ kind: 'Busy' });
    answer();
    expect((await first).status).toBe('SUCCEEDED');
    expect((await pay('pay_a', 3000)).status).toBe('SUCCEEDED');
    expect(charges).toEqual(['pay_a']);
    expect(ledger.paidAmount).toBe(3000);
  });

  it('takes over a payment whose request died before the bank answered (its deadline passed), charging once', async () => {
    // The first request dies waiting for the bank (its Lambda timed out): it never answers.
    const { bank, charges } = countingBank((asked) =>
      asked.length === 1 ? new Promise<never>(() => undefined) : undefined,
    );
    const { request, deps, rules, target, payments, ledger } = setup(10000, bank);
    const dead = { ...request('pay_a', 3000), inFlightUntil: new Date(Date.now() - 1) };
    void processPayment(target, rules, dead, deps);
    while (charges.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(payments.get('pay_a')?.status).toBe('PROCESSING');
    const resumed = await processPayment(target, rules, request('pay_a', 3000), deps);
    expect(resumed.payment.status).toBe('SUCCEEDED');
    expect(resumed.replayed).toBeUndefined();
    expect(ledger.paidAmount).toBe(3000);
    expect(charges).toEqual(['pay_a', 'pay_a']);
  });

  it('keeps the payment on hold and answers ProviderUnavailable when the bank is unreachable; a retry finishes it', async () => {
    let down = true;
    const simulator = createBankSimulator({ apiKey: 'k' });
    const bank: BankProvider = {
      ...simulator,
      charge: async (request) => {
        if (down) throw new Error('connect ECONNREFUSED');
        return simulator.charge(request);
      },
    };
    const { pay, ledger, payments } = setup(10000, bank);
    const unavailable = await pay('pay_a', 3000).catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(DomainError);
    expect(unavailable).toMatchObject({ kind: 'ProviderUnavailable' });
    expect(payments.get('pay_a')?.status).toBe('PROCESSING');
    expect(ledger.paidAmount).toBe(3000);
    // The failed request let go of it: a retry at once takes it over instead of being told to wait.
    expect(payments.get('pay_a')?.inFlightUntil).toBeUndefined();
    down = false;
    expect((await pay('pay_a', 3000)).status).toBe('SUCCEEDED');
    expect(ledger.paidAmount).toBe(3000);
  });

  it('refuses an invoice the biller settled, without asking the bank', async () => {
    const { bank, charges } = countingBank();
    const invoice = memoryInvoice(10000);
    const read = invoice.target.read;
    invoice.target.read = async () => ({ ...(await read())!, settledByBiller: true });
    const refused = await processPayment(
      invoice.target,
      invoiceRules('INV-1'),
      {
        paymentId: 'pay_a',
        fingerprint: 'fingerprint-a',
        inFlightUntil: new Date(Date.now() + 15_000),
        amount: eur(1000),
        card,
        notification,
      },
      { bank, payments: invoice.store, publish: async () => undefined, correlationId: 'c' },
    ).catch((error: unknown) => error);
    expect(refused).toMatchObject({ kind: 'NotPayable' });
    expect(charges).toEqual([]);
    expect(invoice.ledger.paidAmount).toBe(0);
  });
});

describe('every hold ends and every outcome is announced (reconciler)', () => {
  it('a failure to record the bank’s answer leaves a hold the reconciler settles from the bank’s record', async () => {
    const { pay, ledger, payments, published, faults, reconcile } = setup();
    faults.settle = 1;
    const held = await pay('pay_a', 3000);
    expect(held.status).toBe('PROCESSING');
    expect(ledger.paidAmount).toBe(3000);
    expect(await reconcile('pay_a')).toBe('settled');
    expect(payments.get('pay_a')?.status).toBe('SUCCEEDED');
    expect(ledger.paidAmount).toBe(3000);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('a repeat after the bank answered gets the outcome, not the 202 PROCESSING answered first', async () => {
    const { attempt, payments, faults, reconcile } = setup();
    faults.settle = 1;
    expect((await attempt('pay_a', 3000)).payment.status).toBe('PROCESSING');
    expect(await reconcile('pay_a')).toBe('settled');
    const again = await attempt('pay_a', 3000);
    expect(again).toMatchObject({ payment: { status: 'SUCCEEDED' }, replayed: true });
    expect(payments.get('pay_a')?.status).toBe('SUCCEEDED');
  });

  it('a repeat of a payment left PROCESSING by a failed write finishes it from the bank’s first answer', async () => {
    const { bank, charges } = countingBank();
    const { pay, ledger, payments, faults, published } = setup(10000, bank);
    faults.settle = 1;
    expect((await pay('pay_a', 3000)).status).toBe('PROCESSING');
    expect(payments.get('pay_a')?.inFlightUntil).toBeUndefined();
    expect((await pay('pay_a', 3000)).status).toBe('SUCCEEDED');
    expect(charges).toEqual(['pay_a', 'pay_a']); // asked twice, decided once: the bank keeps its first answer
    expect(ledger.paidAmount).toBe(3000);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('a repeat of a pending payment the bank has since accepted answers SUCCEEDED', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const bank = createBankSimulator({ apiKey: 'k', pendingSeconds: 60, now: () => new Date(clock) });
    const { pay, reconcile } = setup(10000, bank);
    expect((await pay('pay_a', 2400)).status).toBe('PENDING');
    clock += 61_000;
    expect(await reconcile('pay_a')).toBe('accepted-later');
    expect((await pay('pay_a', 2400)).status).toBe('SUCCEEDED');
  });

  it('a hold the bank never heard of is released and announced as failed', async () => {
    const simulator = createBankSimulator({ apiKey: 'k' });
    const bank: BankProvider = {
      ...simulator,
      charge: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    };
    const { pay, ledger, payments, published, reconcile } = setup(10000, bank);
    await expect(pay('pay_a', 3000)).rejects.toMatchObject({ kind: 'ProviderUnavailable' });
    expect(await reconcile('pay_a')).toBe('released');
    expect(payments.get('pay_a')).toMatchObject({ status: 'FAILED', failureCode: 'NOT_PROCESSED' });
    expect(ledger.paidAmount).toBe(0);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentFailed']);
  });

  it('an event that could not be sent stays in the outbox and is sent once by the reconciler', async () => {
    const { pay, published, outbox, reconcile, publishFaults } = setup();
    publishFaults.publish = 1;
    const payment = await pay('pay_a', 3000);
    expect(payment.status).toBe('SUCCEEDED');
    expect(published).toEqual([]);
    expect(outbox.get('pay_a')?.detailType).toBe('PaymentSucceeded');
    expect(await reconcile('pay_a')).toBe('published');
    expect(published.map((event) => event.id)).toEqual([outbox.get('pay_a')?.id ?? published[0]!.id]);
    expect(published).toHaveLength(1);
  });

  it('a pending payment is asked about until the bank decides, then takes its amount', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const bank = createBankSimulator({
      apiKey: 'k',
      decisions: memoryDecisions(),
      pendingSeconds: 60,
      now: () => new Date(clock),
    });
    const { pay, ledger, payments, published, reconcile } = setup(10000, bank);
    expect((await pay('pay_a', 2400)).status).toBe('PENDING');
    expect(await reconcile('pay_a')).toBe('still-pending');
    clock += 61_000;
    expect(await reconcile('pay_a')).toBe('accepted-later');
    expect(payments.get('pay_a')?.status).toBe('SUCCEEDED');
    expect(ledger.paidAmount).toBe(2400);
    expect(published.map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('a late acceptance that no longer fits the balance is voided at the bank, not recorded as paid', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const refunds: string[] = [];
    const simulator = createBankSimulator({ apiKey: 'k', pendingSeconds: 60, now: () => new Date(clock) });
    const bank: BankProvider = {
      ...simulator,
      refund: async (request) => {
        refunds.push(request.paymentId);
        return simulator.refund(request);
      },
    };
    const { pay, ledger, payments, reconcile } = setup(3000, bank);
    expect((await pay('pay_a', 2400)).status).toBe('PENDING');
    expect((await pay('pay_b', 2000)).status).toBe('SUCCEEDED');
    clock += 61_000;
    expect(await reconcile('pay_a')).toBe('voided');
    expect(payments.get('pay_a')).toMatchObject({ status: 'FAILED', failureCode: 'VOIDED' });
    expect(refunds).toEqual(['pay_a']);
    expect(ledger.paidAmount).toBe(2000);
  });
});

describe('telling metrics about settled payments (onSettled)', () => {
  it('tells once per payment, whoever settles it; a retried request tells nothing more', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const bank = createBankSimulator({
      apiKey: 'k',
      decisions: memoryDecisions(),
      pendingSeconds: 60,
      now: () => new Date(clock),
    });
    const settled: Array<[string, string]> = [];
    const { pay, reconcile } = setup(10000, bank, (payment) =>
      settled.push([payment.paymentId, payment.status]),
    );
    await pay('pay_a', 3000);
    await pay('pay_a', 3000); // the same request again: answered from the recorded payment
    await pay('pay_b', 100); // declined
    await pay('pay_c', 2400); // pending, until the reconciler finds it accepted
    expect(await reconcile('pay_c')).toBe('still-pending');
    clock += 61_000;
    expect(await reconcile('pay_c')).toBe('accepted-later');
    expect(settled).toEqual([
      ['pay_a', 'SUCCEEDED'],
      ['pay_b', 'FAILED'],
      ['pay_c', 'PENDING'],
      ['pay_c', 'SUCCEEDED'],
    ]);
  });
});
