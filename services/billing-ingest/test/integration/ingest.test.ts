/*
 * billing-ingest through the local cloud: files are uploaded to the real bucket, S3's notification runs
 * ingestBillsFile under serverless-offline, and the tests read the tables, the bucket and the bus with the SDK.
 */
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { logLines, waitForLogLines } from '@payflow/local-cloud/src/testing';
import { writeBillsFile } from '../../scripts/bills-file';
import {
  assertLocalCloud,
  bill,
  ENDPOINT,
  EventWatch,
  ledger,
  readObject,
  recordPayment,
  runId,
  settled,
  upload,
} from './local-cloud';

const prefix = `incoming/${runId}`;
const id = (n: number | string) => `${runId}-${n}`;
const watch = new EventWatch(`billing-ingest-${runId}`);

beforeAll(async () => {
  await assertLocalCloud();
  await watch.start(prefix, `${runId}-`);
});
afterAll(() => watch.stop());

async function generated(rows: number, date: string, badRatio = 0, idPrefix = `${runId}-`) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const summary = await writeBillsFile(out, { rows, date, badRatio, idPrefix, seed: 42 });
  return { csv: Buffer.concat(chunks).toString('utf8'), summary };
}

describe('a clean bills file', () => {
  const key = `${prefix}/clean/bills-2026-11-21.csv`;
  let etag: string;
  let csv: string;
  let announceable: number;

  beforeAll(async () => {
    ({
      csv,
      summary: { announceable },
    } = await generated(1_000, '2026-11-21', 0, `${runId}-c`));
    etag = await upload(key, csv);
  });

  it('becomes invoices with the balances of the file, in minor units', async () => {
    const record = await settled(key, etag);
    expect(record).toMatchObject({ status: 'COMPLETED', accepted: 1_000, rejected: 0, rejectsKey: null });
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    for (const row of [rows[0]!, rows[499]!, rows[999]!]) {
      const item = await bill(row.InvoiceID!);
      expect(item).toMatchObject({
        customerName: row.CustomerName,
        billedAmount: Math.round(Number(row.Balance) * 100),
        currency: 'EUR',
        billDate: '2026-11-21',
        sourceFile: key,
        isProcessed: row.IsProcessed === '1',
      });
    }
  });

  it('announces BillsIngested once and InvoiceDue for every contactable unpaid invoice', async () => {
    await watch.drain();
    const ingested = watch.of('BillsIngested', (data) => data.fileKey === key);
    expect(ingested).toHaveLength(1);
    expect(ingested[0]!.detail.data).toMatchObject({ accepted: 1_000, rejected: 0, rejectsKey: null });
    const due = watch.of('InvoiceDue', (data) => String(data.invoiceId).startsWith(`${runId}-c`));
    expect(due).toHaveLength(announceable);
    expect(new Set(due.map((event) => event.detail.id)).size).toBe(announceable);
  });

  it('ingesting the same file again changes nothing and sends no second InvoiceDue', async () => {
    const before = await bill(`${runId}-c1`);
    const firstCompletion = (await settled(key, etag)).completedAt;
    const dueBefore = watch.of('InvoiceDue').length;

    const skipped = ['Not ingesting', 'already ingested', key];
    const skippedBefore = (await logLines(ENDPOINT, skipped)).length;
    const sameEtag = await upload(key, csv);
    expect(sameEtag).toBe(etag);
    // The function ran for the second upload's notification and skipped the version it had ingested.
    expect(await waitForLogLines(ENDPOINT, skipped, skippedBefore + 1, 60_000)).toHaveLength(
      skippedBefore + 1,
    );
    await watch.drain();

    expect((await settled(key, etag)).completedAt).toBe(firstCompletion);
    expect(await bill(`${runId}-c1`)).toEqual(before);
    expect(watch.of('InvoiceDue')).toHaveLength(dueBefore);
    expect(watch.of('BillsIngested', (data) => data.fileKey === key)).toHaveLength(1);
  });
});

describe('a file with the difficult parts of CSV and bad rows', () => {
  const key = `${prefix}/messy/bills-2026-11-21.csv`;
  const csv =
    '\ufeffbalance,INVOICEID,Customer Name,isprocessed,email,Phone\r\n' +
    `12.50,${id('m1')},"Hopper, Grace",0,grace@example.com,+44 7700 900123\r\n` +
    `"7.25",${id('m2')},"Ada ""The Countess""\nLovelace",0,,\r\n` +
    `"12,50",${id('m3')},Alan Turing,0,alan@example.com,\r\n` +
    `3.00,${id('m1')},Grace Again,0,,\r\n` +
    `4.00,${id('m5')},Edsger Dijkstra,maybe,,0612345678\r\n` +
    '\r\n\r\n';
  let etag: string;

  beforeAll(async () => {
    etag = await upload(key, csv);
  });

  it('loads the good rows, whatever the header order and case, with BOM, CRLF, quotes and newlines', async () => {
    const record = await settled(key, etag);
    expect(record).toMatchObject({ status: 'COMPLETED', accepted: 2, rejected: 3 });
    expect(await bill(id('m1'))).toMatchObject({
      customerName: 'Hopper, Grace',
      billedAmount: 1250,
      phone: '+447700900123',
      channels: ['email', 'sms'],
    });
    expect(await bill(id('m2'))).toMatchObject({
      customerName: 'Ada "The Countess"\nLovelace',
      billedAmount: 725,
      channels: [],
    });
    expect(await bill(id('m3'))).toBeUndefined();
  });

  it('writes the rejected rows with their row numbers and reasons to rejects/', async () => {
    const rejects = await readObject(`rejects/${runId}/messy/bills-2026-11-21.csv`);
    expect(rejects).toBeDefined();
    const rows = parse(rejects!, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => [row.Row, row.Reason])).toEqual([
      // Rows are lines of the file: Ada's quoted name spans lines 3 and 4.
      ['5', `Balance "12,50" is not a number (write it like 12.50: digits, '.' before the cents)`],
      ['6', `InvoiceID ${id('m1')} appears again (first at row 2)`],
      [
        '7',
        'IsProcessed "maybe" is not one of 0, 1, true, false, yes, no; Phone "0612345678" is not an international number: write it with + and the country code, e.g. +447700900123',
      ],
    ]);
    expect(rows[0]).toMatchObject({ balance: '12,50', 'Customer Name': 'Alan Turing' });
  });

  it('announces the rejected count and where the rejects are', async () => {
    await watch.drain();
    expect(watch.of('BillsIngested', (data) => data.fileKey === key)[0]?.detail.data).toMatchObject({
      accepted: 2,
      rejected: 3,
      rejectsKey: `rejects/${runId}/messy/bills-2026-11-21.csv`,
    });
    // m1 has an e-mail; m2 has no contact details, so nobody can be told.
    expect(watch.of('InvoiceDue', (data) => data.invoiceId === id('m1'))).toHaveLength(1);
    expect(watch.of('InvoiceDue', (data) => data.invoiceId === id('m2'))).toHaveLength(0);
  });
});

describe('a later file', () => {
  const day1 = `${prefix}/later/bills-2026-11-21.csv`;
  const day2 = `${prefix}/later/bills-2026-11-22.csv`;
  const header = 'InvoiceID,CustomerName,Balance,IsProcessed,Email\n';
  const row = (n: string, balance: string) => `${id(n)},Customer ${n},${balance},0,${n}@example.com\n`;

  it('never resets what was paid, and announces only what is still owed', async () => {
    await settled(
      day1,
      await upload(day1, header + row('p1', '100.00') + row('p2', '100.00') + row('p3', '100.00')),
    );
    await recordPayment(id('p1'), 10_000);
    await recordPayment(id('p2'), 4_000);

    const day2Record = await settled(
      day2,
      await upload(day2, header + row('p1', '100.00') + row('p2', '100.00') + row('p3', '120.00')),
    );
    expect(day2Record.status).toBe('COMPLETED');

    expect(await ledger(id('p1'))).toMatchObject({ paidAmount: 10_000, version: 1 });
    expect(await ledger(id('p2'))).toMatchObject({ paidAmount: 4_000, version: 1 });
    expect(await bill(id('p1'))).toMatchObject({ billedAmount: 10_000, billDate: '2026-11-22' });
    expect(await bill(id('p3'))).toMatchObject({ billedAmount: 12_000, billDate: '2026-11-22' });

    await watch.drain();
    const dueOnDay2 = (n: string) =>
      watch
        .of('InvoiceDue', (data) => data.invoiceId === id(n))
        .map((event) => (event.detail.data.balance as { amount: number }).amount)
        .sort((a, b) => a - b);
    expect(dueOnDay2('p1')).toEqual([10_000]); // day 1 only: paid in full before day 2
    expect(dueOnDay2('p2')).toEqual([6_000, 10_000]); // day 2 tells the outstanding amount
    expect(dueOnDay2('p3')).toEqual([10_000, 12_000]);
  });
});

describe('a row the biller marks IsProcessed=1', () => {
  const key = `${prefix}/settled/bills-2026-11-21.csv`;

  it('is stored as settled by the biller, and no InvoiceDue is ever sent for it', async () => {
    const csv =
      'InvoiceID,CustomerName,Balance,IsProcessed,Email\n' +
      `${id('s1')},Settled Customer,80.00,1,s1@example.com\n` +
      `${id('s2')},Owing Customer,80.00,0,s2@example.com\n`;
    expect(await settled(key, await upload(key, csv))).toMatchObject({ status: 'COMPLETED', accepted: 2 });
    expect(await bill(id('s1'))).toMatchObject({
      isProcessed: true,
      settledByBiller: true,
      billedAmount: 8_000,
    });
    expect(await bill(id('s2'))).toMatchObject({ isProcessed: false });
    expect(await bill(id('s2'))).not.toHaveProperty('settledByBiller');

    await watch.drain();
    expect(watch.of('InvoiceDue', (data) => data.invoiceId === id('s1'))).toHaveLength(0);
    expect(watch.of('InvoiceDue', (data) => data.invoiceId === id('s2'))).toHaveLength(1);
  });
});

describe('a later file that changes the terms of a paid invoice', () => {
  const day1 = `${prefix}/terms/bills-2026-11-21.csv`;
  const day2 = `${prefix}/terms/bills-2026-11-22.csv`;
  const rejectsKey = `rejects/${runId}/terms/bills-2026-11-22.csv`;
  const header = 'InvoiceID,CustomerName,Balance,IsProcessed,Email,Currency,CustomerID\n';
  const row = (n: string, balance: string, currency: string, customer: string) =>
    `${id(n)},Customer ${n},${balance},0,${n}@example.com,${currency},${customer}\n`;
  let day1Bills: Record<string, Record<string, unknown> | undefined>;

  beforeAll(async () => {
    await settled(
      day1,
      await upload(
        day1,
        header +
          row('f1', '50.00', 'EUR', 'CUS-F1') +
          row('f2', '50.00', 'EUR', 'CUS-F2') +
          row('f3', '50.00', 'EUR', 'CUS-F3') +
          row('f4', '50.00', 'EUR', 'CUS-F4'),
      ),
    );
    // Paid as payments would record it; f4 has no payment.
    await recordPayment(id('f1'), 5_000);
    await recordPayment(id('f2'), 2_000);
    await recordPayment(id('f3'), 5_000);
    day1Bills = { f1: await bill(id('f1')), f3: await bill(id('f3')) };
  });

  it('rejects a new currency or customer with the reason, keeps the BILL and the ledger, accepts a new amount', async () => {
    const record = await settled(
      day2,
      await upload(
        day2,
        header +
          row('f1', '5000', 'JPY', 'CUS-F1') +
          row('f2', '60.00', 'EUR', 'CUS-F2') +
          row('f3', '50.00', 'EUR', 'CUS-OTHER') +
          row('f4', '7000', 'JPY', 'CUS-F4'),
      ),
    );
    expect(record).toMatchObject({ status: 'COMPLETED', accepted: 2, rejected: 2, rejectsKey });

    const rejects = parse((await readObject(rejectsKey))!, { columns: true }) as Array<
      Record<string, string>
    >;
    expect(
      rejects.map((rejected) => [rejected.Row, rejected.Reason]).sort(([a], [b]) => Number(a) - Number(b)),
    ).toEqual([
      [
        '2',
        `Currency JPY differs from EUR: invoice ${id('f1')} already has payments, so its currency and customer cannot change (keep them as they were, or bill the change under a new InvoiceID)`,
      ],
      [
        '4',
        expect.stringMatching(/^CustomerID CUS-OTHER differs from CUS-F3: invoice .* already has payments/),
      ],
    ]);
    expect(rejects.find((rejected) => rejected.Row === '2')).toMatchObject({
      Currency: 'JPY',
      Balance: '5000',
    });

    // The invoice keeps its BILL (still 50.00 EUR of day 1) and its ledger: 5000 paid stays 50.00 EUR paid.
    expect(await bill(id('f1'))).toEqual(day1Bills.f1);
    expect(await bill(id('f3'))).toEqual(day1Bills.f3);
    expect(await ledger(id('f1'))).toMatchObject({ paidAmount: 5_000, version: 1 });
    // Only the amount changed: accepted, and announced with what is still owed. An unpaid invoice may change.
    expect(await bill(id('f2'))).toMatchObject({
      billedAmount: 6_000,
      currency: 'EUR',
      billDate: '2026-11-22',
    });
    expect(await bill(id('f4'))).toMatchObject({
      billedAmount: 7_000,
      currency: 'JPY',
      billDate: '2026-11-22',
    });

    await watch.drain();
    const announced = (n: string) =>
      watch.of('InvoiceDue', (data) => data.invoiceId === id(n)).map((event) => event.detail.data.balance);
    expect(announced('f1')).toEqual([{ amount: 5_000, currency: 'EUR' }]); // day 1 only
    expect(announced('f2')).toContainEqual({ amount: 4_000, currency: 'EUR' });
    expect(announced('f3')).toEqual([{ amount: 5_000, currency: 'EUR' }]);
  });
});

describe('files that cannot be read at all', () => {
  it.each([
    ['empty', '', 'it is empty'],
    ['header-only', 'InvoiceID,CustomerName,Balance,IsProcessed\r\n\r\n', 'it has a header row but no bills'],
    [
      'binary',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00]),
      'it is not a CSV text file',
    ],
    [
      'wrong-columns',
      'id;name;amount\n1;Ada;5\n',
      'Header row "id;name;amount" lacks InvoiceID, CustomerName, Balance, IsProcessed',
    ],
  ])('a %s file fails once with BillsIngestFailed and the reason', async (name, body, reason) => {
    const key = `${prefix}/bad/${name}.csv`;
    const etag = await upload(key, body);
    const record = await settled(key, etag);
    expect(record).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(record.failureReason).toContain(reason);
    await watch.drain();
    const failed = watch.of('BillsIngestFailed', (data) => data.fileKey === key);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail.data.reason).toContain(`${name}.csv: ${reason}`);
    expect(watch.of('BillsIngested', (data) => data.fileKey === key)).toHaveLength(0);
  });
});

describe('a file of 5,000 rows, half of them bad', () => {
  const key = `${prefix}/half/bills-2026-11-23.csv`;

  it('loads every good row and rejects every bad one with a reason', async () => {
    const { csv, summary } = await generated(5_000, '2026-11-23', 0.5, `${runId}-h`);
    expect(summary.bad).toBeGreaterThan(2_000);
    const record = await settled(key, await upload(key, csv));
    expect(record).toMatchObject({ status: 'COMPLETED', accepted: summary.good, rejected: summary.bad });

    const rejects = parse((await readObject(`rejects/${runId}/half/bills-2026-11-23.csv`))!, {
      columns: true,
      relax_column_count: true,
    }) as Array<Record<string, string>>;
    expect(rejects).toHaveLength(summary.bad);
    expect(rejects.every((row) => row.Reason!.length > 10)).toBe(true);
    expect(rejects.filter((row) => row.Reason!.includes('appears again (first at row'))).toHaveLength(
      summary.badKinds['duplicate-id'],
    );
    await watch.drain();
    expect(watch.of('InvoiceDue', (data) => String(data.invoiceId).startsWith(`${runId}-h`))).toHaveLength(
      summary.announceable,
    );
  });
});
