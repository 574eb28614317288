import { createHash } from 'node:crypto';
import {
  CalendarDateSchema,
  EmailSchema,
  IdentifierSchema,
  isCurrencyCode,
  MoneyError,
  parseMoney,
  PhoneNumberSchema,
  type Money,
  type NotificationChannel,
} from '@payflow/shared';
import type { BillsHeader } from './header';

/** One accepted row of a bills file: an invoice as the biller states it today. */
export interface Bill {
  invoiceId: string;
  customerId: string;
  /** The row's own CustomerID (not one derived from its e-mail or name): payments keeps that customer's details. */
  customerIdGiven: boolean;
  customerName: string;
  /** The file's Balance: what the invoice bills in total, in minor units. */
  billed: Money;
  dueDate: string;
  email?: string;
  phone?: string;
  channels: NotificationChannel[];
  /** The biller's own flag: true means the biller already settled this invoice. */
  isProcessed: boolean;
}

export interface RowRules {
  /** Currency of rows without a Currency column or value. */
  defaultCurrency: string;
  /** The day the file bills for (from its name, else its upload date). */
  billDate: string;
  /** Due date of rows without a DueDate: billDate plus this many days. */
  paymentTermsDays: number;
}

export type RowResult = { ok: true; bill: Bill } | { ok: false; reason: string };

const MAX_NAME_LENGTH = 200;
const decimalNumber = /^-?\d+(?:\.\d+)?$/;
const booleans = new Map([
  ['', false],
  ['0', false],
  ['1', true],
  ['false', false],
  ['true', true],
  ['no', false],
  ['yes', true],
  ['n', false],
  ['y', true],
]);

/** Validates one data row; every problem is named, so a person can fix the row in one go. */
export function validateBillRow(cells: string[], header: BillsHeader, rules: RowRules): RowResult {
  if (cells.length !== header.names.length) {
    return {
      ok: false,
      reason:
        `Row has ${cells.length} field${cells.length === 1 ? '' : 's'} but the header has ${header.names.length}` +
        (cells.length > header.names.length ? ' (a value with a comma must be in double quotes)' : ''),
    };
  }
  const { columns } = header;
  const cell = (index: number | undefined) => (index === undefined ? '' : (cells[index] ?? '').trim());
  const problems: string[] = [];

  const invoiceId = cell(columns.InvoiceID);
  if (invoiceId === '') problems.push('InvoiceID is missing');
  else if (!IdentifierSchema.safeParse(invoiceId).success) {
    problems.push(
      `InvoiceID "${invoiceId}" is not an invoice number (up to 128 letters, digits and _ . : - /)`,
    );
  }

  const customerName = cell(columns.CustomerName);
  if (customerName === '') problems.push('CustomerName is missing');
  else if (customerName.length > MAX_NAME_LENGTH) {
    problems.push(`CustomerName is ${customerName.length} characters long; at most ${MAX_NAME_LENGTH} fit`);
  }

  const currencyText = cell(columns.Currency).toUpperCase();
  const currency = currencyText === '' ? rules.defaultCurrency : currencyText;
  const currencyValid = isCurrencyCode(currency);
  if (!currencyValid) problems.push(`Currency "${cell(columns.Currency)}" is not an ISO 4217 code like EUR`);

  const billed = readBalance(cell(columns.Balance), currency, currencyValid, problems);

  const processedText = cell(columns.IsProcessed);
  const isProcessed = booleans.get(processedText.toLowerCase());
  if (isProcessed === undefined) {
    problems.push(`IsProcessed "${processedText}" is not one of 0, 1, true, false, yes, no`);
  }

  const emailText = cell(columns.Email);
  const email = emailText === '' ? undefined : emailText;
  if (email !== undefined && !EmailSchema.safeParse(email).success) {
    problems.push(`Email "${emailText}" is not an e-mail address`);
  }

  const phoneText = cell(columns.Phone);
  const phone = phoneText === '' ? undefined : normalisePhone(phoneText);
  if (phone !== undefined && !PhoneNumberSchema.safeParse(phone).success) {
    problems.push(
      `Phone "${phoneText}" is not an international number: write it with + and the country code, e.g. +447700900123`,
    );
  }

  const dueText = cell(columns.DueDate);
  if (dueText !== '' && !CalendarDateSchema.safeParse(dueText).success) {
    problems.push(`DueDate "${dueText}" is not a date in YYYY-MM-DD form`);
  }

  const customerIdText = cell(columns.CustomerID);
  if (customerIdText !== '' && !IdentifierSchema.safeParse(customerIdText).success) {
    problems.push(`CustomerID "${customerIdText}" may contain only letters, digits and _ . : - /`);
  }

  if (problems.length > 0 || billed === undefined || isProcessed === undefined) {
    return { ok: false, reason: problems.join('; ') };
  }
  const channels: NotificationChannel[] = [];
  if (email) channels.push('email');
  if (phone) channels.push('sms');
  return {
    ok: true,
    bill: {
      invoiceId,
      customerId: customerIdText || deriveCustomerId(email ?? customerName),
      customerIdGiven: customerIdText !== '',
      customerName,
      billed,
      dueDate: dueText || addDays(rules.billDate, rules.paymentTermsDays),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      channels,
      isProcessed,
    },
  };
}

function readBalance(
  text: string,
  currency: string,
  currencyValid: boolean,
  problems: string[],
): Money | undefined {
  if (text === '') {
    problems.push('Balance is missing');
    return undefined;
  }
  if (!decimalNumber.test(text)) {
    problems.push(`Balance "${text}" is not a number (write it like 12.50: digits, '.' before the cents)`);
    return undefined;
  }
  if (!currencyValid) return undefined;
  try {
    return parseMoney(text, currency);
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    problems.push(error.message.replace(/^Amount/, 'Balance'));
    return undefined;
  }
}

/** '+44 7700 900-123', '(0044) 7700.900123' -> '+447700900123'; numbers without a country code stay invalid. */
export function normalisePhone(text: string): string {
  const compact = text.replace(/[\s().-]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

/** A stable id for a customer the file does not identify: CUS- and 12 hex digits of sha256(e-mail or name). */
export function deriveCustomerId(emailOrName: string): string {
  const digest = createHash('sha256').update(emailOrName.trim().toLowerCase()).digest('hex');
  return `CUS-${digest.slice(0, 12)}`;
}

export function addDays(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}
