import { InvoiceDue, parseBillItem } from '@payflow/shared';
import type { Bill } from '../../src/domain/bill-row';
import {
  billItem,
  fixedTermsConflict,
  invoiceDue,
  invoiceDueEventId,
  invoiceStatus,
  outstandingAmount,
} from '../../src/domain/invoice';

const bill: Bill = {
  invoiceId: '10452',
  customerId: 'CUS-0123456789ab',
  customerIdGiven: false,
  customerName: 'Grace Hopper',
  billed: { amount: 12550, currency: 'EUR' },
  dueDate: '2026-12-05',
  email: 'grace@example.com',
  channels: ['email'],
  isProcessed: false,
};

describe('invoice balances', () => {
  it('computes outstanding and status from billed and paid', () => {
    expect(outstandingAmount(12550, undefined)).toBe(12550);
    expect(invoiceStatus(12550, undefined)).toBe('DUE');
    expect(invoiceStatus(12550, 550)).toBe('PARTIALLY_PAID');
    expect(invoiceStatus(12550, 12550)).toBe('PAID');
    expect(invoiceStatus(12550, 13000)).toBe('PAID');
  });
});

describe('invoiceDue', () => {
  it('announces the outstanding amount, not the billed one, and passes the contract', () => {
    const data = invoiceDue(bill, 2550);
    expect(data).toEqual({
      invoiceId: '10452',
      customerName: 'Grace Hopper',
      balance: { amount: 10000, currency: 'EUR' },
      dueDate: '2026-12-05',
      contact: { channels: ['email'], email: 'grace@example.com' },
    });
    expect(InvoiceDue.schema.safeParse(data).success).toBe(true);
  });

  it('says nothing for a paid, processed, zero or uncontactable bill', () => {
    expect(invoiceDue(bill, 12550)).toBeUndefined();
    expect(invoiceDue({ ...bill, isProcessed: true }, undefined)).toBeUndefined();
    expect(invoiceDue({ ...bill, billed: { amount: 0, currency: 'EUR' } }, undefined)).toBeUndefined();
    expect(invoiceDue({ ...bill, email: undefined, channels: [] }, undefined)).toBeUndefined();
  });

  it('gives the same event id for the same invoice, day and amount, and a new one when any changes', () => {
    const id = invoiceDueEventId(bill, '2026-11-21');
    // The id published before: notification records sends by event id, so a changed id would remind again.
    expect(id).toBe('13009345-90f1-5a78-8dd4-5f2c757877eb');
    expect(invoiceDueEventId({ ...bill }, '2026-11-21')).toBe(id);
    expect(invoiceDueEventId(bill, '2026-11-22')).not.toBe(id);
    expect(invoiceDueEventId({ ...bill, billed: { amount: 12551, currency: 'EUR' } }, '2026-11-21')).not.toBe(
      id,
    );
  });
});

describe('billItem', () => {
  it('is the BILL item: billed amount in minor units, file and time of ingest, no payment fields', () => {
    const item = billItem(bill, {
      key: 'incoming/bills-2026-11-21.csv',
      billDate: '2026-11-21',
      ingestedAt: '2026-11-21T06:00:00.000Z',
    });
    expect(item).toEqual({
      invoiceId: '10452',
      record: 'BILL',
      customerId: 'CUS-0123456789ab',
      customerName: 'Grace Hopper',
      billedAmount: 12550,
      currency: 'EUR',
      dueDate: '2026-12-05',
      email: 'grace@example.com',
      channels: ['email'],
      isProcessed: false,
      billDate: '2026-11-21',
      sourceFile: 'incoming/bills-2026-11-21.csv',
      updatedAt: '2026-11-21T06:00:00.000Z',
    });
  });

  it('is what the invoices table contract (which payments reads through) accepts, settled or not', () => {
    const file = { key: 'incoming/bills-2026-11-21.csv', billDate: '2026-11-21', ingestedAt: 'now' };
    const withPhone = { ...bill, phone: '+447700900123', channels: ['email' as const, 'sms' as const] };
    for (const written of [billItem(withPhone, file), billItem({ ...withPhone, isProcessed: true }, file)]) {
      expect(parseBillItem(written)).toEqual(written);
    }
  });
});

describe('a bill the biller settled', () => {
  it('is marked settledByBiller, it alone, and is never announced', () => {
    const file = { key: 'incoming/bills-2026-11-21.csv', billDate: '2026-11-21', ingestedAt: 'now' };
    expect(billItem({ ...bill, isProcessed: true }, file)).toMatchObject({
      isProcessed: true,
      settledByBiller: true,
    });
    expect(billItem(bill, file)).not.toHaveProperty('settledByBiller');
    expect(invoiceDue({ ...bill, isProcessed: true }, undefined)).toBeUndefined();
  });
});

describe('the terms of an invoice that has payments', () => {
  const paid = { paidAmount: 5000, bill: { currency: 'EUR', customerId: 'CUS-0123456789ab' } };

  it('lets anything change while nothing is paid, and the amount, dates and contact after', () => {
    expect(
      fixedTermsConflict({ ...bill, billed: { amount: 1, currency: 'JPY' } }, undefined),
    ).toBeUndefined();
    expect(
      fixedTermsConflict(
        {
          ...bill,
          billed: { amount: 99999, currency: 'EUR' },
          dueDate: '2027-01-01',
          email: 'x@example.com',
        },
        paid,
      ),
    ).toBeUndefined();
  });

  it('refuses another currency or another customer once paid, naming both, and says what to do', () => {
    expect(fixedTermsConflict({ ...bill, billed: { amount: 5000, currency: 'JPY' } }, paid)).toBe(
      'Currency JPY differs from EUR: invoice 10452 already has payments, so its currency and customer cannot ' +
        'change (keep them as they were, or bill the change under a new InvoiceID)',
    );
    expect(
      fixedTermsConflict({ ...bill, customerId: 'CUS-other', billed: { amount: 1, currency: 'USD' } }, paid),
    ).toMatch(/^Currency USD differs from EUR; CustomerID CUS-other differs from CUS-0123456789ab: /);
  });

  it('refuses nothing when the stored BILL is missing (deleted by hand): there is nothing to compare', () => {
    expect(
      fixedTermsConflict({ ...bill, billed: { amount: 1, currency: 'JPY' } }, { paidAmount: 5000 }),
    ).toBe(undefined);
  });
});
