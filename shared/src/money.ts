import { z } from 'zod';

/** An amount in the currency's minor units (cents for EUR, yen for JPY, fils for BHD). */
export interface Money {
  amount: number;
  currency: string;
}

export interface MoneyParseOptions {
  /** Refunds and balance corrections may be negative; prices and payments may not. */
  allowNegative?: boolean;
}

const currencyCodes = new Set(Intl.supportedValuesOf('currency'));

/** True for an upper-case ISO 4217 code this runtime's Intl knows, e.g. 'EUR'. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && currencyCodes.has(code);
}

/** How many minor-unit digits the currency has: 2 for EUR, 0 for JPY, 3 for BHD. */
export function currencyDecimals(currency: string): number {
  let decimals = decimalsByCurrency.get(currency);
  if (decimals === undefined) {
    assertCurrency(currency);
    decimals =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    decimalsByCurrency.set(currency, decimals);
  }
  return decimals;
}

/** Building an Intl.NumberFormat costs microseconds; a bills file asks for every row. */
const decimalsByCurrency = new Map<string, number>();

function assertCurrency(currency: string): void {
  if (!isCurrencyCode(currency)) {
    throw new MoneyError(`"${currency}" is not an ISO 4217 currency code (expected three capitals like EUR)`);
  }
}

export class MoneyError extends Error {
  override name = 'MoneyError';
}

/** Parses a decimal string such as '12.50' into minor units of `currency`, without floating point. */
export function parseMoney(text: string, currency: string, options: MoneyParseOptions = {}): Money {
  const decimals = currencyDecimals(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) {
    throw new MoneyError(
      `Amount "${text}" is not a decimal number like ${exampleAmount(decimals)} (digits, and '.' as the decimal separator)`,
    );
  }
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > decimals) {
    throw new MoneyError(
      `Amount "${text}" has ${fraction.length} decimals but ${currency} has ${decimals} (e.g. ${exampleAmount(decimals)})`,
    );
  }
  // Digits are concatenated, not multiplied, so no float ever touches the amount.
  const minor = BigInt(`${whole}${fraction.padEnd(decimals, '0')}`);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyError(`Amount "${text}" ${currency} is too large`);
  }
  const amount = sign === '-' ? -Number(minor) : Number(minor);
  if (amount < 0 && !options.allowNegative) {
    throw new MoneyError(`Amount "${text}" is negative; a ${currency} amount here must be zero or more`);
  }
  return { amount: amount === 0 ? 0 : amount, currency };
}

function exampleAmount(decimals: number): string {
  return decimals === 0 ? '1250' : `12.${'5'.padEnd(decimals, '0')}`;
}

/** '12.50 EUR': exact, locale-free, for logs, CSV and e-mail subjects. */
export function formatMoney(money: Money): string {
  const decimals = currencyDecimals(money.currency);
  assertWholeMinorUnits(money);
  const digits = Math.abs(money.amount)
    .toString()
    .padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${money.amount < 0 ? '-' : ''}${whole}${fraction} ${money.currency}`;
}

/** '€12.50' / '12,50 €': for people, in their locale. */
export function formatMoneyForLocale(money: Money, locale = 'en'): string {
  const decimals = currencyDecimals(money.currency);
  assertWholeMinorUnits(money);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    money.amount / 10 ** decimals,
  );
}

function assertWholeMinorUnits(money: Money): void {
  if (!Number.isSafeInteger(money.amount)) {
    throw new MoneyError(`Amount ${money.amount} ${money.currency} is not a whole number of minor units`);
  }
}

export function addMoney(left: Money, right: Money): Money {
  assertSameCurrency(left, right, 'add');
  return { amount: left.amount + right.amount, currency: left.currency };
}

/** Throws rather than go below zero: a balance or a payment never turns negative by accident. */
export function subtractMoney(from: Money, amount: Money): Money {
  assertSameCurrency(from, amount, 'subtract');
  const result = from.amount - amount.amount;
  if (result < 0) {
    throw new MoneyError(
      `Cannot subtract ${formatMoney(amount)} from ${formatMoney(from)}: the result would be negative`,
    );
  }
  return { amount: result, currency: from.currency };
}

function assertSameCurrency(left: Money, right: Money, operation: string): void {
  if (left.currency !== right.currency) {
    throw new MoneyError(
      `Cannot ${operation} ${right.currency} and ${left.currency} amounts: the currencies differ`,
    );
  }
}

export const CurrencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, { error: (issue) => `"${String(issue.input)}" is not an ISO 4217 currency code` });

/** Money on the wire: whole minor units, never negative, in a known currency. */
export const MoneySchema = z.strictObject({
  amount: z
    .number()
    .int({ error: 'amount must be a whole number of minor units (1250 for 12.50 EUR)' })
    .min(0, { error: 'amount must be zero or more' })
    .max(Number.MAX_SAFE_INTEGER),
  currency: CurrencyCodeSchema,
});
