import { faker } from '@faker-js/faker';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import type { Writable } from 'node:stream';

/** What a generated file holds, so tests and the bench know what to expect of it. */
export interface GeneratedBills {
  rows: number;
  good: number;
  bad: number;
  /** Bad rows by the kind of mistake. */
  badKinds: Record<BadKind, number>;
  /** Good rows that have an e-mail or a phone and are not processed: each should produce an InvoiceDue. */
  announceable: number;
}

export interface BillsFileOptions {
  rows: number;
  /** YYYY-MM-DD: the day the file bills for. */
  date: string;
  /** Share of rows with a mistake in them, 0..1. */
  badRatio?: number;
  /** Id of the first invoice; the next rows count up from it. */
  firstInvoiceId?: number;
  /** Prepended to every invoice id (bench runs use their own ids). */
  idPrefix?: string;
  seed?: number;
}

export const badKinds = [
  'balance-comma',
  'duplicate-id',
  'missing-name',
  'bad-email',
  'bad-due-date',
  'bad-is-processed',
  'national-phone',
  'extra-field',
] as const;
export type BadKind = (typeof badKinds)[number];

export const header = ['InvoiceID', 'CustomerName', 'Balance', 'IsProcessed', 'Email', 'Phone', 'DueDate'];

/** mulberry32: fast and seedable, so a million rows take seconds and the same seed gives the same file. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Writes a realistic bills file (names, e-mails, phones, balances of 500-900 as in the source document)
 * to `out`, row by row with backpressure, and returns what it wrote.
 */
export async function writeBillsFile(out: Writable, options: BillsFileOptions): Promise<GeneratedBills> {
  const random = seededRandom(options.seed ?? seedOf(options.date));
  faker.seed(options.seed ?? seedOf(options.date));
  // Faker builds pools once; rows combine them with the fast generator.
  const firstNames = Array.from({ length: 400 }, () => faker.person.firstName());
  const lastNames = Array.from({ length: 400 }, () => faker.person.lastName());
  const domains = Array.from({ length: 40 }, () => faker.internet.domainName());
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
  const digits = (count: number) => {
    let text = '';
    for (let index = 0; index < count; index += 1) text += Math.floor(random() * 10);
    return text;
  };

  const badRatio = options.badRatio ?? 0;
  const firstId = options.firstInvoiceId ?? 1;
  const prefix = options.idPrefix ?? '';
  const result: GeneratedBills = {
    rows: 0,
    good: 0,
    bad: 0,
    badKinds: Object.fromEntries(badKinds.map((kind) => [kind, 0])) as Record<BadKind, number>,
    announceable: 0,
  };

  const csv = stringify();
  csv.pipe(out);
  const write = async (cells: string[]) => {
    if (!csv.write(cells)) await once(csv, 'drain');
  };
  await write(header);
  let badTurn = 0;
  let lastGoodId: string | undefined;
  for (let index = 0; index < options.rows; index += 1) {
    const first = pick(firstNames);
    const last = pick(lastNames);
    // Some billers write "Last, First": a comma inside a value, which must be quoted.
    const name = random() < 0.05 ? `${last}, ${first}` : `${first} ${last}`;
    const cents = String(Math.floor(random() * 100)).padStart(2, '0');
    const balance = `${500 + Math.floor(random() * 401)}.${cents}`;
    const processed = random() < 0.03 ? '1' : '0';
    const email =
      random() < 0.85 ? `${first}.${last}@${pick(domains)}`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') : '';
    const phone = random() < 0.6 ? `+44 7700 ${digits(6)}` : random() < 0.5 ? `+3161${digits(7)}` : '';
    const dueDate = addDays(options.date, 14 + Math.floor(random() * 17));
    const invoiceId = `${prefix}${firstId + index}`;
    const row = [invoiceId, name, balance, processed, email, phone, dueDate];

    if (badRatio > 0 && random() < badRatio) {
      const kind = badKinds[badTurn % badKinds.length]!;
      badTurn += 1;
      if (kind === 'duplicate-id' && lastGoodId === undefined) {
        // Nothing to duplicate yet: write it as a good row.
      } else {
        applyMistake(kind, row, lastGoodId);
        result.badKinds[kind] += 1;
        result.bad += 1;
        result.rows += 1;
        await write(row);
        continue;
      }
    }
    lastGoodId = invoiceId;
    result.good += 1;
    if (processed === '0' && (email !== '' || phone !== '')) result.announceable += 1;
    result.rows += 1;
    await write(row);
  }
  csv.end();
  await once(out, 'finish');
  return result;
}

function applyMistake(kind: BadKind, row: string[], lastGoodId: string | undefined): void {
  switch (kind) {
    case 'balance-comma':
      row[2] = row[2]!.replace('.', ',');
      break;
    case 'duplicate-id':
      row[0] = lastGoodId!;
      break;
    case 'missing-name':
      row[1] = '';
      break;
    case 'bad-email':
      row[4] = 'billing@';
      break;
    case 'bad-due-date':
      row[6] = '31/12/2026';
      break;
    case 'bad-is-processed':
      row[3] = 'maybe';
      break;
    case 'national-phone':
      row[5] = '07700 900123';
      break;
    case 'extra-field':
      row.push('unexpected');
      break;
  }
}
