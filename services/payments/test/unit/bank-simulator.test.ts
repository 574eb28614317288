import { createBankSimulator, DECLINING_TEST_CARDS } from '../../src/domain/bank-simulator';

const card = (number = '4242424242424242') => ({
  number,
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '123',
  holderName: 'Ada Lovelace',
});
const bank = createBankSimulator({ apiKey: 'test-key' });
let charges = 0;
/** Each call is a new payment (its own idempotency key). */
const charge = (amount: number, currency = 'EUR', number?: string) =>
  bank.charge({ paymentId: `pay_${(charges += 1)}`, amount: { amount, currency }, card: card(number) });

describe('the simulated bank', () => {
  it('declines 1.00, reports insufficient funds for 2.00 and accepts other amounts', async () => {
    expect(await charge(100)).toMatchObject({ status: 'DECLINED', code: 'DECLINED' });
    expect(await charge(200)).toMatchObject({ status: 'DECLINED', code: 'INSUFFICIENT_FUNDS' });
    expect(await charge(101)).toMatchObject({ status: 'ACCEPTED' });
    expect(await charge(3000)).toMatchObject({ status: 'ACCEPTED' });
  });

  it('leaves 24.00 pending the first time and accepts it when asked again', async () => {
    const first = await charge(2400);
    expect(first.status).toBe('PENDING');
    const again = await bank.confirmPending({
      providerReference: first.providerReference,
      amount: { amount: 2400, currency: 'EUR' },
      card: { brand: 'visa', last4: '4242' },
    });
    expect(again).toEqual({ status: 'ACCEPTED', providerReference: first.providerReference });
  });

  it("reads the rule amounts in the currency's own units (1 JPY, 1.000 BHD)", async () => {
    expect(await charge(1, 'JPY')).toMatchObject({ status: 'DECLINED' });
    expect(await charge(100, 'JPY')).toMatchObject({ status: 'ACCEPTED' });
    expect(await charge(1000, 'BHD')).toMatchObject({ status: 'DECLINED' });
  });

  it.each(Object.keys(DECLINING_TEST_CARDS))('always declines test card %s', async (number) => {
    expect(await charge(5000, 'EUR', number)).toMatchObject({ status: 'DECLINED' });
  });

  it('answers a repeated charge under the same payment id with its first decision, as a real provider does', async () => {
    const first = await bank.charge({
      paymentId: 'pay_same',
      amount: { amount: 100, currency: 'EUR' },
      card: card(),
    });
    const again = await bank.charge({
      paymentId: 'pay_same',
      amount: { amount: 5000, currency: 'EUR' },
      card: card(),
    });
    expect(first.status).toBe('DECLINED');
    expect(again).toEqual(first);
    expect(await bank.lookup('pay_same')).toEqual(first);
  });

  it('knows nothing of a payment id it was never asked to charge', async () => {
    expect(await bank.lookup('pay_never')).toBeUndefined();
  });

  it('decides a pending charge (accepts it) once it has waited long enough, when asked by key', async () => {
    let clock = 0;
    const slow = createBankSimulator({ apiKey: 'k', pendingSeconds: 10, now: () => new Date(clock) });
    await slow.charge({ paymentId: 'pay_p', amount: { amount: 2400, currency: 'EUR' }, card: card() });
    expect((await slow.lookup('pay_p'))?.status).toBe('PENDING');
    clock = 10_000;
    expect((await slow.lookup('pay_p'))?.status).toBe('ACCEPTED');
  });

  it('accepts every refund, and answers a refund asked again under the same id the same way', async () => {
    const refund = { refundId: 'ref_1', paymentId: 'pay_1', amount: { amount: 100, currency: 'EUR' } };
    const first = await bank.refund(refund);
    expect(first).toEqual({ status: 'ACCEPTED', providerReference: 'sim-ref_1' });
    expect(await bank.refund(refund)).toEqual(first);
  });

  it('refuses to start without credentials', () => {
    expect(() => createBankSimulator({ apiKey: '' })).toThrow(/no API key/);
  });
});
