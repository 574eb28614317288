import { CustomerUpdated } from '@payflow/shared';
import {
  CreateCustomerBodySchema,
  customerChangedEvent,
  customerView,
  mayActOnCustomer,
  newCustomer,
  updatedCustomer,
} from '../../src/domain/customer';

const now = new Date('2026-12-01T12:00:00Z');
const ada = newCustomer(
  {
    customerId: 'cust-1',
    name: 'Ada',
    email: 'ada@example.com',
    phone: '+447700900123',
    channels: ['email'],
  },
  'tea-shop',
  now,
);

describe('customers', () => {
  it('needs an address for every channel chosen', () => {
    const result = CreateCustomerBodySchema.safeParse({
      customerId: 'c',
      name: 'A',
      channels: ['sms', 'email'],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['email', 'phone']);
  });

  it('checks a change as a whole: an address cannot go while its channel stays', () => {
    expect(updatedCustomer(ada, { email: null }, now).problems).toEqual([
      { path: 'body.email', message: 'email is required while channels include email' },
    ]);
    const moved = updatedCustomer(ada, { email: null, channels: ['sms'] }, now);
    expect(moved.problems).toEqual([]);
    expect(moved.customer).toMatchObject({ channels: ['sms'], phone: '+447700900123', version: 2 });
    expect(moved.customer.email).toBeUndefined();
  });

  it('belongs to its merchant: another merchant may not act on it, an operator may', () => {
    expect(mayActOnCustomer(ada, { merchantId: 'tea-shop', operator: false })).toBe(true);
    expect(mayActOnCustomer(ada, { merchantId: 'checkout', operator: false })).toBe(false);
    expect(mayActOnCustomer(ada, { merchantId: 'operator-console', operator: true })).toBe(true);
  });

  it('shows its payout destination masked, never its token or fingerprint', () => {
    const view = customerView({
      ...ada,
      payoutDestination: {
        type: 'bank_account',
        masked: '****5555',
        recipientToken: 'rcp_x',
        fingerprint: 'f',
      },
    });
    expect(view.payoutDestination).toEqual({ type: 'bank_account', masked: '****5555' });
    expect(JSON.stringify(view)).not.toMatch(/rcp_x|fingerprint/);
  });

  it("announces a customer's channels and addresses by version, never the name, under a stable id", () => {
    const registered = customerChangedEvent(ada);
    expect(registered).toMatchObject({
      detailType: 'CustomerRegistered',
      data: {
        customerId: 'cust-1',
        merchantId: 'tea-shop',
        version: 1,
        channels: ['email'],
        email: 'ada@example.com',
      },
    });
    expect(JSON.stringify(registered.data)).not.toContain('Ada"');
    const patched = updatedCustomer(ada, { channels: ['sms'] }, now).customer;
    const updated = customerChangedEvent(patched);
    expect(updated.detailType).toBe('CustomerUpdated');
    expect(CustomerUpdated.schema.safeParse(updated.data).success).toBe(true);
    expect(updated.id).toBe(customerChangedEvent(patched).id);
    expect(updated.id).not.toBe(registered.id);
  });
});
