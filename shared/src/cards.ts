import { z } from 'zod';

export const cardBrands = ['visa', 'mastercard', 'amex', 'discover', 'unknown'] as const;
export type CardBrand = (typeof cardBrands)[number];

/** All that is ever stored, shown or logged about a card. */
export interface MaskedCard {
  brand: CardBrand;
  last4: string;
}

/** Luhn (mod 10) checksum over a string of digits; anything else is invalid. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A card is valid through the last day of its expiry month; 2-digit years mean 20xx. */
export function expiryValid(month: number, year: number, now: Date = new Date()): boolean {
  if (!Number.isInteger(month) || month < 1 || month > 12) return false;
  if (!Number.isInteger(year) || year < 0) return false;
  const fullYear = year < 100 ? 2000 + year : year;
  const firstDayAfterExpiry = Date.UTC(fullYear, month, 1);
  return now.getTime() < firstDayAfterExpiry;
}

function inRange(digits: string, length: number, low: number, high: number): boolean {
  const prefix = Number(digits.slice(0, length));
  return digits.length >= length && prefix >= low && prefix <= high;
}

/** Brand from the issuer identification number (the leading digits) and length. */
export function detectCardBrand(number: string): CardBrand {
  const digits = normaliseCardNumber(number);
  const length = digits.length;
  if (/^4/.test(digits) && [13, 16, 19].includes(length)) return 'visa';
  if ((inRange(digits, 2, 51, 55) || inRange(digits, 4, 2221, 2720)) && length === 16) return 'mastercard';
  if (/^3[47]/.test(digits) && length === 15) return 'amex';
  const discoverPrefix =
    /^6011/.test(digits) ||
    /^65/.test(digits) ||
    inRange(digits, 3, 644, 649) ||
    inRange(digits, 6, 622126, 622925);
  if (discoverPrefix && length >= 16 && length <= 19) return 'discover';
  return 'unknown';
}

/** Card numbers arrive as typed: '4111 1111-1111 1111'. */
export function normaliseCardNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

export function maskCard(number: string): MaskedCard {
  const digits = normaliseCardNumber(number);
  if (!/^\d{4,}$/.test(digits)) {
    throw new Error('Cannot mask a card number with fewer than 4 digits');
  }
  return { brand: detectCardBrand(digits), last4: digits.slice(-4) };
}

export const MaskedCardSchema = z.strictObject({
  brand: z.enum(cardBrands),
  last4: z.string().regex(/^\d{4}$/, { error: 'last4 must be exactly 4 digits' }),
});

const twoDigitNumber = (field: string, maxDigits: number) =>
  z
    .preprocess(
      (input) => (typeof input === 'string' && /^\d+$/.test(input.trim()) ? Number(input.trim()) : input),
      z.number({ error: `${field} must be a number` }).int({ error: `${field} must be a whole number` }),
    )
    .refine((value) => value.toString().length <= maxDigits, { error: `${field} has too many digits` });

export interface CardInputSchemaOptions {
  /** Injected so tests can pin "today" for the expiry check. */
  now?: () => Date;
}

/** Card details as typed into a checkout form; reject early with messages a customer can act on. */
export function createCardInputSchema({ now = () => new Date() }: CardInputSchemaOptions = {}) {
  return z
    .strictObject({
      number: z
        .string({ error: 'card number must be a string of digits' })
        .transform(normaliseCardNumber)
        .pipe(
          z
            .string()
            .regex(/^\d{13,19}$/, {
              error: 'card number must be 13 to 19 digits (spaces and dashes allowed)',
              abort: true,
            })
            .refine(luhnValid, {
              error: 'card number is not valid (check digit mismatch): please re-type it',
            }),
        ),
      expiryMonth: twoDigitNumber('expiryMonth', 2).refine((month) => month >= 1 && month <= 12, {
        error: 'expiryMonth must be between 1 and 12',
      }),
      expiryYear: twoDigitNumber('expiryYear', 4).refine((year) => year < 100 || year >= 2000, {
        error: 'expiryYear must be 2 digits (27) or 4 digits (2027)',
      }),
      cvv: z
        .string({ error: 'cvv must be a string of digits' })
        .regex(/^\d{3,4}$/, { error: 'cvv must be 3 or 4 digits' }),
      holderName: z
        .string({ error: 'holderName must be a string' })
        .trim()
        .min(1, { error: 'holderName is required' })
        .max(100, { error: 'holderName must be at most 100 characters' }),
    })
    .superRefine((card, context) => {
      // Field checks above already reported a bad month or CVV; say nothing twice.
      const monthValid = card.expiryMonth >= 1 && card.expiryMonth <= 12;
      if (monthValid && !expiryValid(card.expiryMonth, card.expiryYear, now())) {
        context.addIssue({
          code: 'custom',
          path: ['expiryYear'],
          message: `card expired at the end of ${String(card.expiryMonth).padStart(2, '0')}/${card.expiryYear}`,
        });
      }
      const expectedCvvLength = detectCardBrand(card.number) === 'amex' ? 4 : 3;
      if (/^\d{3,4}$/.test(card.cvv) && card.cvv.length !== expectedCvvLength) {
        context.addIssue({
          code: 'custom',
          path: ['cvv'],
          message: `cvv must be ${expectedCvvLength} digits for this card`,
        });
      }
    });
}

export const CardInputSchema = createCardInputSchema();
export type CardInput = z.infer<typeof CardInputSchema>;
