import {
  buildEventDetail,
  eventContracts,
  EventValidationError,
  InvoiceDue,
  NotificationChoiceSchema,
  OrderConfirmed,
  OrderCustomerSchema,
  PaymentSucceeded,
  type InvoiceDueData,
  type PaymentSucceededData,
} from '../../src';

const invoiceDue: InvoiceDueData = {
  invoiceId: '10452',
  customerName: 'Grace Hopper',
  balance: { amount: 12550, currency: 'EUR' },
  dueDate: '2026-12-05',
  contact: { channels: ['email'], email: 'grace.hopper@example.com' },
};

function issuesOf(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('notification choice', () => {
  it('accepts email, sms or both with their addresses', () => {
    expect(NotificationChoiceSchema.safeParse({ channels: ['email'], email: 'a@example.com' }).success).toBe(
      true,
    );
    expect(NotificationChoiceSchema.safeParse({ channels: ['sms'], phone: '+447700900123' }).success).toBe(
      true,
    );
    expect(
      NotificationChoiceSchema.safeParse({
        channels: ['email', 'sms'],
        email: 'a@example.com',
        phone: '+14155550123',
      }).success,
    ).toBe(true);
  });

  it.each([
    [{ channels: [] }, 'channels: channels must name at least one channel'],
    [{ channels: ['email'] }, 'email: email is required when channels include email'],
    [{ channels: ['sms'], email: 'a@example.com' }, 'phone: phone is required when channels include sms'],
    [{ channels: ['sms'], phone: '07700900123' }, 'phone: phone must be in E.164 form'],
    [{ channels: ['fax'], email: 'a@example.com' }, 'channels.0: Invalid option'],
    [
      { channels: ['email', 'email'], email: 'a@example.com' },
      'channels: channels must not repeat a channel',
    ],
    [{ channels: ['email'], email: 'not-an-address' }, 'email: email must be an e-mail address'],
    [{ channels: ['email'], email: 'a@example.com', pager: '1' }, 'Unrecognized key: "pager"'],
  ])('rejects %j', (choice, message) => {
    const result = NotificationChoiceSchema.safeParse(choice);
    expect(result.success).toBe(false);
    const messages = result.error?.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join(' | ');
    expect(messages).toContain(message);
  });

  it('requires a phone for an order customer who chose sms', () => {
    const customer = { id: 'cust-1', email: 'a@example.com', channels: ['email', 'sms'] };
    expect(OrderCustomerSchema.safeParse(customer).success).toBe(false);
    expect(OrderCustomerSchema.safeParse({ ...customer, phone: '+447700900123' }).success).toBe(true);
  });
});

describe('buildEventDetail', () => {
  it('wraps data in the envelope with a UUID, the contract version and an ISO time', () => {
    const detail = buildEventDetail(InvoiceDue, invoiceDue, {
      correlationId: 'corr-1',
      occurredAt: new Date('2026-11-21T10:00:00Z'),
    });
    expect(detail).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      version: 1,
      occurredAt: '2026-11-21T10:00:00.000Z',
      correlationId: 'corr-1',
      data: invoiceDue,
    });
    expect(InvoiceDue.detailSchema.parse(detail)).toEqual(detail);
  });

  it('names each wrong field of the data', () => {
    const message = issuesOf(() =>
      buildEventDetail(
        InvoiceDue,
        { ...invoiceDue, balance: { amount: 125.5, currency: 'EUR' }, dueDate: '2026-02-30' },
        { correlationId: 'corr-1' },
      ),
    );
    expect(message).toContain('InvoiceDue event is invalid');
    expect(message).toContain('detail.data.balance.amount: amount must be a whole number of minor units');
    expect(message).toContain('detail.data.dueDate: must be a date in YYYY-MM-DD form');
  });

  it('rejects unknown keys in data it owns and an empty correlation id', () => {
    expect(() =>
      buildEventDetail(InvoiceDue, { ...invoiceDue, cardNumber: '4111111111111111' } as never, {
        correlationId: 'corr-1',
      }),
    ).toThrow('Unrecognized key: "cardNumber"');
    expect(() => buildEventDetail(InvoiceDue, invoiceDue, { correlationId: '' })).toThrow(
      EventValidationError,
    );
  });

  it('refuses a full card number where a masked card belongs', () => {
    const payment: PaymentSucceededData = {
      paymentId: 'pay-1',
      invoiceId: '10452',
      amount: { amount: 100, currency: 'EUR' },
      card: { brand: 'visa', last4: '4111111111111111' },
      notification: { channels: ['email'], email: 'a@example.com' },
    };
    expect(() => buildEventDetail(PaymentSucceeded, payment, { correlationId: 'c' })).toThrow(
      'detail.data.card.last4: last4 must be exactly 4 digits',
    );
  });

  it('requires exactly one of invoiceId or orderId on a payment', () => {
    const payment: PaymentSucceededData = {
      paymentId: 'pay-1',
      amount: { amount: 100, currency: 'EUR' },
      card: { brand: 'visa', last4: '1111' },
      notification: { channels: ['email'], email: 'a@example.com' },
    };
    expect(() => buildEventDetail(PaymentSucceeded, payment, { correlationId: 'c' })).toThrow(
      'exactly one of invoiceId or orderId is required',
    );
    expect(() =>
      buildEventDetail(
        PaymentSucceeded,
        { ...payment, invoiceId: '1', orderId: 'ord-1' },
        { correlationId: 'c' },
      ),
    ).toThrow('exactly one of invoiceId or orderId is required');
    expect(
      buildEventDetail(PaymentSucceeded, { ...payment, orderId: 'ord-1' }, { correlationId: 'c' }).data,
    ).toEqual({
      ...payment,
      orderId: 'ord-1',
    });
  });

  it('checks the envelope version against the contract', () => {
    const detail = buildEventDetail(
      OrderConfirmed,
      {
        orderId: 'ord-1',
        customer: { id: 'cust-1', email: 'a@example.com', channels: ['email'] },
        total: { amount: 100, currency: 'EUR' },
        paymentId: 'pay-1',
      },
      { correlationId: 'c' },
    );
    expect(OrderConfirmed.detailSchema.safeParse({ ...detail, version: 2 }).success).toBe(false);
    expect(OrderConfirmed.detailSchema.safeParse({ ...detail, extra: true }).success).toBe(false);
  });
});

describe('registry', () => {
  it('holds every contract under its own detail-type, with a payflow source', () => {
    expect(Object.keys(eventContracts).sort()).toEqual(
      [
        'BillsIngested',
        'BillsIngestFailed',
        'InvoiceDue',
        'CustomerDetailsIngested',
        'PaymentSucceeded',
        'PaymentFailed',
        'PaymentSessionExpired',
        'PaymentRefunded',
        'PayoutRequested',
        'PayoutSent',
        'PayoutFailed',
        'CustomerRegistered',
        'CustomerUpdated',
        'OrderConfirmed',
        'OrderRejected',
        'ShippingUnavailable',
        'PaymentTimedOut',
        'RefundRequested',
        'NotificationFailed',
      ].sort(),
    );
    for (const [detailType, contract] of Object.entries(eventContracts)) {
      expect(contract.detailType).toBe(detailType);
      expect(contract.source).toMatch(/^payflow\.(billing-ingest|payments|checkout|notification)$/);
    }
    expect(eventContracts.InvoiceDue.source).toBe('payflow.billing-ingest');
    expect(eventContracts.RefundRequested.source).toBe('payflow.checkout');
  });
});
