import { eventContracts } from '@payflow/shared';
import { customerDetailTypes, customerEvents, type CustomerEvent } from '../../src/domain/customer-events';
import { maskEmail, maskPhone, recipientsOf } from '../../src/domain/recipients';
import { contractExample, readdressed } from '../support/contract-fixtures';

function received(
  detailType: string,
  contact: { channels: Array<'email' | 'sms'>; email?: string; phone?: string },
) {
  const event = readdressed(contractExample(detailType), contact);
  const contract = eventContracts[detailType as keyof typeof eventContracts];
  return {
    source: contract.source,
    detailType,
    detail: contract.detailSchema.parse(event.detail),
  } as CustomerEvent;
}

describe('which channels a customer is told on', () => {
  it.each(customerDetailTypes)('%s: e-mail, SMS or both, to the addresses in the event', (detailType) => {
    const email = 'ann@example.com';
    const phone = '+447700900123';
    expect(recipientsOf(received(detailType, { channels: ['email'], email }))).toEqual([
      { channel: 'email', address: email },
    ]);
    expect(recipientsOf(received(detailType, { channels: ['sms'], email, phone }))).toEqual([
      { channel: 'sms', address: phone },
    ]);
    expect(recipientsOf(received(detailType, { channels: ['sms', 'email'], email, phone }))).toEqual([
      { channel: 'sms', address: phone },
      { channel: 'email', address: email },
    ]);
  });

  it('covers every contract that has a customer to tell, and no other', () => {
    const withContact = Object.entries(eventContracts)
      .filter(([type]) => !['RefundRequested', 'PayoutRequested'].includes(type))
      .filter(([type]) => {
        const data = contractExample(type).detail.data;
        return 'contact' in data || 'notification' in data || 'customer' in data;
      })
      .map(([type]) => type);
    // RefundRequested is checkout asking payments for money back; the customer hears PaymentRefunded. A payout's
    // customer hears when the money is sent or not (PayoutSent, PayoutFailed), not when it is asked for.
    expect(Object.keys(customerEvents).sort()).toEqual(withContact.sort());
  });
});

describe('addresses in logs', () => {
  it('keeps the first letter and the domain of an e-mail', () => {
    expect(maskEmail('grace.hopper@example.com')).toBe('g***@example.com');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('keeps the country prefix and the last four digits of a phone number', () => {
    expect(maskPhone('+14155550123')).toBe('+1******0123');
    expect(maskPhone('+4477')).toBe('***');
  });
});
