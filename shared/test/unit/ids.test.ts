import { billingEventId, stableEventId, uuidV5 } from '../../src';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
  it('is RFC 9562 version 5 (checked against a published vector)', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org')
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });
});

// Consumers deduplicate by event id across deploys: each id below is the one published before ids moved here.
describe('stable event ids', () => {
  it('give the id published before for the same parts, and another for other parts', () => {
    expect(stableEventId('payments', 'pay_0123456789abcdef0123456789abcdef', 'PaymentSucceeded')).toBe(
      '6b87e96c-77a9-530a-9546-abd5277ac0d0',
    );
    expect(stableEventId('checkout', 'ord_1', 'OrderConfirmed')).toBe('894c3128-0ae4-5b7f-b96c-520e488a5ece');
    expect(stableEventId('checkout', 'ord_1', 'OrderRejected')).not.toBe(
      stableEventId('checkout', 'ord_1', 'OrderConfirmed'),
    );
  });

  it("keep billing-ingest's SHA-256 ids as they were, version-5 shaped", () => {
    expect(billingEventId('InvoiceDue|100200300|2026-11-21|12550')).toBe(
      '62ce9de2-2a6d-5388-b353-819903373268',
    );
    expect(billingEventId('BillsIngested|incoming/bills-2026-11-21.csv|"0123abcd"')).toBe(
      '14ab434e-13a6-5568-935f-5255fca06d75',
    );
    expect(billingEventId('a')).toMatch(UUID_V5);
    expect(billingEventId('a')).not.toBe(billingEventId('b'));
  });
});
