import { quoteShipping } from '../../src/domain/carrier';

const london = {
  name: 'Ada',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

describe('the carrier simulator', () => {
  it('delivers within GB in 2 days and abroad in 4', () => {
    expect(quoteShipping(london)).toEqual({
      available: true,
      carrier: 'Payflow Parcel (simulated)',
      estimatedDays: 2,
    });
    expect(quoteShipping({ ...london, country: 'FR', postalCode: '75001' })).toMatchObject({
      available: true,
      estimatedDays: 4,
    });
  });
  it.each([
    [{ ...london, country: 'AQ' }, 'Our carrier does not deliver to AQ.'],
    [{ ...london, country: undefined }, 'Our carrier does not deliver to an address without a country.'],
    [{ ...london, line1: 'PO Box 42' }, 'Our carrier does not deliver to PO boxes.'],
    [{ ...london, line2: 'P.O. Box 7' }, 'Our carrier does not deliver to PO boxes.'],
    [{ ...london, postalCode: 'HS1 2AA' }, 'Our carrier does not deliver to postcode HS1 2AA.'],
    [{ ...london, postalCode: 'ze2 9xx' }, 'Our carrier does not deliver to postcode ZE2 9XX.'],
  ])('does not serve %j', (address, reason) => {
    expect(quoteShipping(address)).toEqual({ available: false, reason });
  });
  it('is deterministic: the same address always gets the same answer', () => {
    expect(quoteShipping(london)).toEqual(quoteShipping({ ...london }));
  });
});
