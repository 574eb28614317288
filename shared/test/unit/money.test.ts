import {
  addMoney,
  currencyDecimals,
  formatMoney,
  formatMoneyForLocale,
  isCurrencyCode,
  MoneySchema,
  parseMoney,
  subtractMoney,
} from '../../src';

describe('parseMoney', () => {
  it.each([
    ['12.50', 'EUR', 1250],
    ['12.5', 'EUR', 1250],
    ['12', 'EUR', 1200],
    ['0.01', 'USD', 1],
    ['1500', 'JPY', 1500],
    ['12.505', 'BHD', 12505],
    ['1.5', 'KWD', 1500],
    [' 7.00 ', 'GBP', 700],
  ])('reads %s %s as %d minor units', (text, currency, amount) => {
    expect(parseMoney(text, currency)).toEqual({ amount, currency });
  });

  it('rejects more decimals than the currency has, naming its decimals', () => {
    expect(() => parseMoney('12.505', 'EUR')).toThrow('has 3 decimals but EUR has 2');
    expect(() => parseMoney('12.5', 'JPY')).toThrow('JPY has 0');
  });

  it('rejects a comma as decimal separator and other non-numbers', () => {
    expect(() => parseMoney('12,50', 'EUR')).toThrow(
      /"12,50" is not a decimal number.*'\.' as the decimal separator/,
    );
    for (const text of ['', 'abc', '1e3', '12.', '.5', '+3', '1 000']) {
      expect(() => parseMoney(text, 'EUR')).toThrow('is not a decimal number');
    }
  });

  it('rejects negative amounts unless allowed', () => {
    expect(() => parseMoney('-1.00', 'EUR')).toThrow('is negative');
    expect(parseMoney('-1.25', 'EUR', { allowNegative: true })).toEqual({ amount: -125, currency: 'EUR' });
  });

  it('rejects unknown currencies and amounts beyond safe integers', () => {
    expect(() => parseMoney('1.00', 'EURO')).toThrow('"EURO" is not an ISO 4217 currency code');
    expect(() => parseMoney('1.00', 'eur')).toThrow('not an ISO 4217');
    expect(() => parseMoney('99999999999999999', 'EUR')).toThrow('too large');
  });
});

describe('currencies', () => {
  it('knows ISO codes and their minor-unit digits from Intl', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('XYZ')).toBe(false);
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('BHD')).toBe(3);
    expect(currencyDecimals('KWD')).toBe(3);
  });
});

describe('formatMoney', () => {
  it('formats exactly in the currency decimals', () => {
    expect(formatMoney({ amount: 1250, currency: 'EUR' })).toBe('12.50 EUR');
    expect(formatMoney({ amount: 5, currency: 'EUR' })).toBe('0.05 EUR');
    expect(formatMoney({ amount: 1500, currency: 'JPY' })).toBe('1500 JPY');
    expect(formatMoney({ amount: 12505, currency: 'BHD' })).toBe('12.505 BHD');
    expect(formatMoney({ amount: -125, currency: 'EUR' })).toBe('-1.25 EUR');
  });

  it('refuses fractional minor units', () => {
    expect(() => formatMoney({ amount: 12.5, currency: 'EUR' })).toThrow('not a whole number of minor units');
  });

  it('formats for a locale through Intl', () => {
    expect(formatMoneyForLocale({ amount: 1250, currency: 'EUR' }, 'en')).toBe('€12.50');
    expect(formatMoneyForLocale({ amount: 1500, currency: 'JPY' }, 'en')).toBe('¥1,500');
  });

  it('round-trips with parseMoney', () => {
    const money = parseMoney('1234.56', 'USD');
    expect(formatMoney(money)).toBe('1234.56 USD');
  });
});

describe('arithmetic', () => {
  const eur = (amount: number) => ({ amount, currency: 'EUR' });

  it('adds and subtracts in the same currency', () => {
    expect(addMoney(eur(1250), eur(50))).toEqual(eur(1300));
    expect(subtractMoney(eur(1250), eur(250))).toEqual(eur(1000));
    expect(subtractMoney(eur(1250), eur(1250))).toEqual(eur(0));
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(eur(1), { amount: 1, currency: 'USD' })).toThrow('Cannot add USD and EUR amounts');
    expect(() => subtractMoney(eur(1), { amount: 1, currency: 'USD' })).toThrow('currencies differ');
  });

  it('refuses to go below zero', () => {
    expect(() => subtractMoney(eur(1250), eur(2000))).toThrow(
      'Cannot subtract 20.00 EUR from 12.50 EUR: the result would be negative',
    );
  });
});

describe('MoneySchema', () => {
  it('accepts whole non-negative minor units in a known currency', () => {
    expect(MoneySchema.parse({ amount: 0, currency: 'EUR' })).toEqual({ amount: 0, currency: 'EUR' });
  });

  it.each([
    [{ amount: 12.5, currency: 'EUR' }, 'whole number of minor units'],
    [{ amount: -1, currency: 'EUR' }, 'zero or more'],
    [{ amount: '1250', currency: 'EUR' }, 'expected number'],
    [{ amount: 1, currency: 'euro' }, 'not an ISO 4217 currency code'],
    [{ amount: 1, currency: 'EUR', cents: 1 }, 'Unrecognized key'],
  ])('rejects %j', (input, message) => {
    const result = MoneySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message).join(' ')).toContain(message);
  });
});
