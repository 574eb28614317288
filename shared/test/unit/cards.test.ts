import { createCardInputSchema, detectCardBrand, expiryValid, luhnValid, maskCard } from '../../src';

// Public test numbers from card networks' documentation; none is a real card.
const visa = '4111111111111111';
const mastercard = '5555555555554444';
const mastercard2Series = '2223003122003222';
const amex = '378282246310005';
const discover = '6011111111111117';

describe('luhnValid', () => {
  it('accepts numbers whose check digit is right', () => {
    for (const number of [visa, mastercard, mastercard2Series, amex, discover, '79927398713']) {
      expect(luhnValid(number)).toBe(true);
    }
  });

  it('rejects a changed digit and anything that is not only digits', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('expiryValid', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('is valid through the last moment of the expiry month', () => {
    expect(expiryValid(11, 2026, now)).toBe(true);
    expect(expiryValid(11, 2026, new Date('2026-11-30T23:59:59Z'))).toBe(true);
    expect(expiryValid(11, 2026, new Date('2026-12-01T00:00:00Z'))).toBe(false);
  });

  it('rejects past months and accepts future ones, with 2-digit years', () => {
    expect(expiryValid(10, 26, now)).toBe(false);
    expect(expiryValid(12, 26, now)).toBe(true);
    expect(expiryValid(1, 2030, now)).toBe(true);
    expect(expiryValid(12, 2025, now)).toBe(false);
  });

  it('rejects impossible months', () => {
    expect(expiryValid(0, 2030, now)).toBe(false);
    expect(expiryValid(13, 2030, now)).toBe(false);
    expect(expiryValid(1.5, 2030, now)).toBe(false);
  });
});

describe('detectCardBrand', () => {
  it.each([
    [visa, 'visa'],
    ['4222222222222', 'visa'],
    [mastercard, 'mastercard'],
    [mastercard2Series, 'mastercard'],
    ['2720990000000007', 'mastercard'],
    [amex, 'amex'],
    ['341111111111111', 'amex'],
    [discover, 'discover'],
    ['6445644564456445', 'discover'],
    ['6221260000000000', 'discover'],
    ['2721000000000000', 'unknown'],
    ['3530111333300000', 'unknown'],
    ['41111111111111', 'unknown'],
  ])('%s is %s', (number, brand) => {
    expect(detectCardBrand(number)).toBe(brand);
  });
});

describe('maskCard', () => {
  it('keeps only brand and last four digits', () => {
    expect(maskCard('4111 1111-1111 1111')).toEqual({ brand: 'visa', last4: '1111' });
    expect(maskCard(amex)).toEqual({ brand: 'amex', last4: '0005' });
    expect(JSON.stringify(maskCard(visa))).not.toContain(visa);
  });
});

describe('card input schema', () => {
  const schema = createCardInputSchema({ now: () => new Date('2026-11-21T12:00:00Z') });
  const valid = {
    number: '4111 1111-1111 1111',
    expiryMonth: 12,
    expiryYear: 27,
    cvv: '123',
    holderName: ' Ada Lovelace ',
  };

  function messages(input: unknown): string[] {
    const result = schema.safeParse(input);
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }

  it('normalises a typed card', () => {
    expect(schema.parse(valid)).toEqual({ ...valid, number: visa, holderName: 'Ada Lovelace' });
    expect(schema.parse({ ...valid, expiryMonth: '07', expiryYear: '2030' })).toMatchObject({
      expiryMonth: 7,
      expiryYear: 2030,
    });
  });

  it('gives a clear message per problem', () => {
    expect(messages({ ...valid, number: '4111111111111112' })).toEqual([
      'number: card number is not valid (check digit mismatch): please re-type it',
    ]);
    expect(messages({ ...valid, number: '4111' })).toEqual([
      'number: card number must be 13 to 19 digits (spaces and dashes allowed)',
    ]);
    expect(messages({ ...valid, expiryMonth: 13 })).toEqual([
      'expiryMonth: expiryMonth must be between 1 and 12',
    ]);
    expect(messages({ ...valid, expiryMonth: 10, expiryYear: 26 })).toEqual([
      'expiryYear: card expired at the end of 10/26',
    ]);
    expect(messages({ ...valid, cvv: '12' })).toEqual(['cvv: cvv must be 3 or 4 digits']);
    expect(messages({ ...valid, cvv: '1234' })).toEqual(['cvv: cvv must be 3 digits for this card']);
    expect(messages({ ...valid, number: amex, cvv: '123' })).toEqual([
      'cvv: cvv must be 4 digits for this card',
    ]);
    expect(messages({ ...valid, holderName: '  ' })).toEqual(['holderName: holderName is required']);
  });

  it('rejects unknown keys and wrong types', () => {
    expect(messages({ ...valid, pin: '0000' })).toEqual([': Unrecognized key: "pin"']);
    expect(messages({ ...valid, number: 4111111111111111 })).toEqual([
      'number: card number must be a string of digits',
    ]);
  });
});
