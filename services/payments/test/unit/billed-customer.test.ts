import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CustomerDetailsIngested,
  parseSqsRecordEvent,
  type CustomerDetailsIngestedData,
} from '@payflow/shared';
import type { SQSEvent } from 'aws-lambda';
import { billedCustomerChange, newCustomer, updatedCustomer, type Customer } from '../../src/domain/customer';

const uploaded = '2026-12-01T08:00:00.000Z';
const stated = (extra: Partial<CustomerDetailsIngestedData> = {}): CustomerDetailsIngestedData => ({
  customerId: 'CUST-1',
  merchantId: 'tea-shop',
  customerName: 'Ada',
  email: 'ada@example.com',
  fileKey: 'incoming/bills-2026-12-01.csv',
  statedAt: uploaded,
  row: 2,
  ...extra,
});
const later = new Date('2026-12-01T09:00:00Z');

/** Applies a change the way the consumer stores it. */
function applied(current: Customer | undefined, details: CustomerDetailsIngestedData, now = later) {
  const change = billedCustomerChange(current, details, now);
  return change.kind === 'ignore' ? current : change.customer;
}

describe('a bills file stating customer details', () => {
  it("creates the file's merchant's customer with a channel per address given, e-mail first", () => {
    const change = billedCustomerChange(undefined, stated({ phone: '+447700900123' }), later);
    expect(change).toEqual({
      kind: 'create',
      customer: {
        customerId: 'CUST-1',
        merchantId: 'tea-shop',
        name: 'Ada',
        email: 'ada@example.com',
        phone: '+447700900123',
        channels: ['email', 'sms'],
        version: 1,
        detailsAsOf: '2026-12-01T08:00:00.000Z#0000000002',
        createdAt: later.toISOString(),
        updatedAt: later.toISOString(),
      },
    });
  });

  it('a later file updates name and the addresses it gives, keeps the rest and the chosen channels', () => {
    const first = applied(undefined, stated({ phone: '+447700900123' }))!;
    const second = applied(
      first,
      stated({
        statedAt: '2026-12-02T08:00:00.000Z',
        customerName: 'Ada Lovelace',
        email: 'ada@example.org',
        phone: undefined,
      }),
    )!;
    expect(second).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      phone: '+447700900123',
      channels: ['email', 'sms'],
      version: 2,
      detailsAsOf: '2026-12-02T08:00:00.000Z#0000000002',
    });
  });

  it('the same statement again (a replay or a duplicate delivery) changes nothing', () => {
    const first = applied(undefined, stated())!;
    expect(billedCustomerChange(first, stated(), later)).toEqual({
      kind: 'ignore',
      reason: 'already applied',
    });
  });

  it("never overwrites a merchant's PATCH made after the file was uploaded", () => {
    const created = applied(undefined, stated())!;
    const patched = updatedCustomer(created, { email: 'ada@merchant.example' }, later).customer;
    // The older file arrives again (an archive replay) after the PATCH.
    expect(billedCustomerChange(patched, stated({ email: 'old@example.com' }), later)).toEqual({
      kind: 'ignore',
      reason: 'not newer',
    });
    // A file uploaded after the PATCH does apply.
    const newer = stated({ statedAt: '2026-12-01T10:00:00.000Z', email: 'new@example.com' });
    expect(billedCustomerChange(patched, newer, later)).toMatchObject({
      kind: 'update',
      customer: { email: 'new@example.com', version: 3 },
    });
  });

  it('orders statements by upload time, then row: an older file arriving late is ignored, a later row wins', () => {
    const newerFile = applied(
      undefined,
      stated({ statedAt: '2026-12-02T08:00:00.000Z', email: 'new@example.com' }),
    )!;
    expect(billedCustomerChange(newerFile, stated({ email: 'old@example.com', row: 9999 }), later).kind).toBe(
      'ignore',
    );
    const row2 = applied(undefined, stated())!;
    expect(applied(row2, stated({ row: 7, email: 'row7@example.com' }))!.email).toBe('row7@example.com');
    expect(billedCustomerChange(applied(row2, stated({ row: 7 }))!, stated({ row: 3 }), later).kind).toBe(
      'ignore',
    );
  });

  it("leaves another merchant's customer of the same id alone", () => {
    const theirs = newCustomer(
      { customerId: 'CUST-1', name: 'Bob', email: 'bob@example.com', channels: ['email'] },
      'other-shop',
      new Date('2026-11-01T00:00:00Z'),
    );
    expect(billedCustomerChange(theirs, stated(), later)).toEqual({
      kind: 'ignore',
      reason: 'another merchant',
    });
  });

  it('treats a customer stored before detailsAsOf existed as changed at its updatedAt', () => {
    const { detailsAsOf: _asOf, ...legacy } = newCustomer(
      { customerId: 'CUST-1', name: 'Ada', email: 'ada@example.com', channels: ['email'] },
      'tea-shop',
      new Date('2026-12-01T08:30:00Z'),
    );
    expect(billedCustomerChange(legacy, stated(), later).kind).toBe('ignore');
    expect(billedCustomerChange(legacy, stated({ statedAt: '2026-12-01T08:31:00Z' }), later).kind).toBe(
      'update',
    );
  });

  it('events/payments/recordBilledCustomers.json is a valid CustomerDetailsIngested delivery', () => {
    const batch = JSON.parse(
      readFileSync(join(__dirname, '../../../../events/payments/recordBilledCustomers.json'), 'utf8'),
    ) as SQSEvent;
    const received = parseSqsRecordEvent({ CustomerDetailsIngested }, batch.Records[0]!);
    expect(billedCustomerChange(undefined, received.detail.data, later).kind).toBe('create');
  });

  it('the contract refuses a statement without an e-mail or a phone', () => {
    const { email: _email, ...noAddress } = stated();
    expect(CustomerDetailsIngested.schema.safeParse(noAddress).success).toBe(false);
  });
});
