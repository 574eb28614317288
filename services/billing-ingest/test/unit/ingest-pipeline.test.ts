import { runIngestPipeline, type PipelineInput } from '../../src/domain/ingest-pipeline';
import type { CustomerDetailsEvent, InvoiceDueEvent } from '../../src/domain/stages/write';
import type { BillItem, PaidInvoice } from '../../src/domain/invoice';

/** In-memory ports: what the pipeline wrote, announced, rejected and checkpointed. */
function harness(csv: string | string[], overrides: Partial<PipelineInput> = {}) {
  const written: BillItem[] = [];
  const announced: InvoiceDueEvent[] = [];
  const customers: CustomerDetailsEvent[] = [];
  const rejected: Array<{ row: number; reason: string; cells?: string[] }> = [];
  const checkpoints: number[] = [];
  const paid = new Map<string, PaidInvoice>();
  const chunks = Array.isArray(csv) ? csv : [csv];
  const input: PipelineInput = {
    file: {
      key: 'incoming/bills-2026-11-21.csv',
      billDate: '2026-11-21',
      ingestedAt: '2026-11-21T06:00:00.000Z',
    },
    rules: { defaultCurrency: 'EUR', billDate: '2026-11-21', paymentTermsDays: 14 },
    customers: { merchantId: 'tea-shop', statedAt: '2026-11-21T05:59:00.000Z' },
    source: (async function* () {
      for (const chunk of chunks) yield Buffer.from(chunk);
    })(),
    resumeAfterRow: 0,
    shouldStop: () => false,
    openRejects: () => ({
      reject: async (row, reason, cells) => {
        rejected.push({ row, reason, ...(cells ? { cells } : {}) });
      },
    }),
    invoices: {
      putBills: async (items) => {
        written.push(...items);
      },
      paidInvoices: async (ids) => new Map(ids.filter((id) => paid.has(id)).map((id) => [id, paid.get(id)!])),
    },
    events: {
      publishInvoicesDue: async (events) => {
        announced.push(...events);
      },
      publishCustomerDetails: async (events) => {
        customers.push(...events);
      },
    },
    checkpoint: async (row) => {
      checkpoints.push(row);
    },
    log: { info: () => undefined, warn: () => undefined },
    options: { unitRows: 2, unitsInFlight: 2, checkpointEveryRows: 3 },
    ...overrides,
  };
  return {
    input,
    written,
    announced,
    customers,
    rejected,
    checkpoints,
    paid,
    run: () => runIngestPipeline(input),
  };
}

const header = 'InvoiceID,CustomerName,Balance,IsProcessed,Email\r\n';
const rows = (count: number, from = 1) =>
  Array.from(
    { length: count },
    (_, index) => `${from + index},Customer ${from + index},10.00,0,c${from + index}@example.com\r\n`,
  ).join('');

describe('runIngestPipeline', () => {
  it("states each named customer's details for payments, and nothing for a row without CustomerID or address", async () => {
    const h = harness(
      'InvoiceID,CustomerName,Balance,IsProcessed,CustomerID,Email,Phone\r\n' +
        '1,Ada,5.00,0,CUST-1,ada@example.com,\r\n' +
        '2,Bob,6.00,1,CUST-2,,+44 7700 900123\r\n' +
        '3,Cy,7.00,0,,cy@example.com,\r\n' +
        '4,Di,8.00,0,CUST-4,,\r\n' +
        '5,Ed,9.00,0,CUST-5,not-an-email,\r\n' +
        '6,Ada Lovelace,1.00,0,CUST-1,ada@example.org,\r\n',
    );
    const outcome = await h.run();
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { accepted: 5, rejected: 1, customerDetails: 3 },
    });
    expect(h.rejected).toEqual([
      expect.objectContaining({ row: 6, reason: 'Email "not-an-email" is not an e-mail address' }),
    ]);
    const stated = {
      merchantId: 'tea-shop',
      fileKey: 'incoming/bills-2026-11-21.csv',
      statedAt: '2026-11-21T05:59:00.000Z',
    };
    expect(h.customers.map((event) => event.data)).toEqual([
      { ...stated, customerId: 'CUST-1', customerName: 'Ada', email: 'ada@example.com', row: 2 },
      // A settled invoice still names its customer.
      { ...stated, customerId: 'CUST-2', customerName: 'Bob', phone: '+447700900123', row: 3 },
      { ...stated, customerId: 'CUST-1', customerName: 'Ada Lovelace', email: 'ada@example.org', row: 7 },
    ]);
    expect(new Set(h.customers.map((event) => event.id)).size).toBe(3);
  });

  it("announces a row without addresses that names its customer by that customer's stored channels", async () => {
    const h = harness(
      'InvoiceID,CustomerName,Balance,IsProcessed,CustomerID,Email\r\n' +
        '1,Ada,5.00,0,CUST-1,\r\n2,Bob,6.00,0,,\r\n3,Cy,7.00,0,CUST-3,cy@example.com\r\n',
    );
    await h.run();
    expect(
      h.announced.map((event) => [event.data.invoiceId, event.data.contact, event.data.customer]),
    ).toEqual([
      ['1', undefined, { id: 'CUST-1', merchantId: 'tea-shop' }],
      ['3', { channels: ['email'], email: 'cy@example.com' }, undefined],
    ]);
  });

  it('states the same customer details under the same ids when the file is read again', async () => {
    const csv =
      'InvoiceID,CustomerName,Balance,IsProcessed,CustomerID,Email\r\n1,Ada,5.00,0,CUST-1,ada@example.com\r\n';
    const first = harness(csv);
    const second = harness(csv);
    await first.run();
    await second.run();
    expect(second.customers).toEqual(first.customers);
    expect(first.customers).toHaveLength(1);
  });

  it('sends no customer details for rows an earlier invocation already wrote', async () => {
    const h = harness(
      'InvoiceID,CustomerName,Balance,IsProcessed,CustomerID,Email\r\n' +
        '1,Ada,5.00,0,CUST-1,ada@example.com\r\n2,Bob,5.00,0,CUST-2,bob@example.com\r\n',
      { resumeAfterRow: 2 },
    );
    await h.run();
    expect(h.customers.map((event) => event.data.customerId)).toEqual(['CUST-2']);
  });

  it('reads a BOM, CRLF, quoted commas and newlines, and ignores trailing blank lines', async () => {
    const h = harness([
      '\ufeffInvoiceID,CustomerName,Balance,IsProcessed\r\n1,"Doe, J',
      'ane",5.00,0\r\n2,"Multi\r\nLine",6.00,0\r\n',
      '\r\n\r\n,,,\r\n',
    ]);
    const outcome = await h.run();
    expect(outcome).toMatchObject({ kind: 'completed', counts: { rows: 2, accepted: 2, rejected: 0 } });
    expect(h.written.map((item) => [item.invoiceId, item.customerName, item.billedAmount])).toEqual([
      ['1', 'Doe, Jane', 500],
      ['2', 'Multi\r\nLine', 600],
    ]);
  });

  it('keeps good rows beside bad ones and names the first row of a duplicate id', async () => {
    const h = harness(
      header + '1,Ada,12.50,0,\r\n2,Bob,"12,50",0,\r\n1,Ada again,3.00,0,\r\n3,Cy,1.00,0,\r\n',
    );
    const outcome = await h.run();
    expect(outcome).toMatchObject({ kind: 'completed', counts: { accepted: 2, rejected: 2 } });
    expect(h.written.map((item) => item.invoiceId)).toEqual(['1', '3']);
    expect(h.rejected).toEqual([
      expect.objectContaining({ row: 3, reason: expect.stringContaining('Balance "12,50" is not a number') }),
      {
        row: 4,
        reason: 'InvoiceID 1 appears again (first at row 2)',
        cells: ['1', 'Ada again', '3.00', '0', ''],
      },
    ]);
  });

  it('keeps the rows before a quote that is never closed, and rejects the rest with a reason', async () => {
    const h = harness(header + rows(3) + '4,"Never closed,1.00,0,\r\n5,Lost,1.00,0,\r\n');
    const outcome = await h.run();
    expect(outcome).toMatchObject({ kind: 'completed', counts: { accepted: 3, rejected: 1 } });
    expect(h.rejected).toEqual([
      {
        row: 5,
        reason:
          'a double quote opened on this row is never closed, so the rest of the file could not be read',
      },
    ]);
  });

  it('announces the outstanding amount, and nothing for an invoice already paid in full', async () => {
    const h = harness(header + rows(3));
    h.paid.set('1', { paidAmount: 1000 });
    h.paid.set('2', { paidAmount: 250 });
    const outcome = await h.run();
    expect(outcome).toMatchObject({ counts: { invoicesDue: 2, alreadyPaid: 1 } });
    expect(h.announced.map((event) => [event.data.invoiceId, event.data.balance.amount])).toEqual([
      ['2', 750],
      ['3', 1000],
    ]);
  });

  it('stores IsProcessed=1 as settled by the biller and never announces it', async () => {
    const h = harness(header + '1,Ada,10.00,1,ada@example.com\r\n2,Bob,10.00,0,bob@example.com\r\n');
    const outcome = await h.run();
    expect(outcome).toMatchObject({ kind: 'completed', counts: { accepted: 2, invoicesDue: 1 } });
    expect(h.written.map((item) => [item.invoiceId, item.settledByBiller])).toEqual([
      ['1', true],
      ['2', undefined],
    ]);
    expect(h.written[1]).not.toHaveProperty('settledByBiller');
    expect(h.announced.map((event) => event.data.invoiceId)).toEqual(['2']);
  });

  describe('an invoice that has payments', () => {
    const fixedHeader = 'InvoiceID,CustomerName,Balance,IsProcessed,Email,Currency,CustomerID\r\n';
    const paidInEur = { paidAmount: 500, bill: { currency: 'EUR', customerId: 'CUS-1' } };

    it('refuses a row that changes its currency or customer into the rejects file, and keeps its BILL', async () => {
      const h = harness(
        fixedHeader +
          '1,Ada,5000,0,ada@example.com,JPY,CUS-1\r\n' +
          '2,Bob,50.00,0,bob@example.com,EUR,CUS-9\r\n' +
          '3,Cy,70.00,0,cy@example.com,EUR,CUS-1\r\n' +
          '4,Di,5000,0,di@example.com,JPY,CUS-4\r\n',
      );
      h.paid.set('1', paidInEur);
      h.paid.set('2', paidInEur);
      h.paid.set('3', paidInEur);
      const outcome = await h.run();
      expect(outcome).toMatchObject({ kind: 'completed', counts: { rows: 4, accepted: 2, rejected: 2 } });
      // A new amount is still accepted (and announced with what is still owed); an unpaid invoice may change.
      expect(h.written.map((item) => [item.invoiceId, item.billedAmount, item.currency])).toEqual([
        ['3', 7000, 'EUR'],
        ['4', 5000, 'JPY'],
      ]);
      expect(h.announced.map((event) => [event.data.invoiceId, event.data.balance.amount])).toEqual([
        ['3', 6500],
        ['4', 5000],
      ]);
      expect(h.rejected).toEqual([
        {
          row: 2,
          reason:
            'Currency JPY differs from EUR: invoice 1 already has payments, so its currency and customer cannot ' +
            'change (keep them as they were, or bill the change under a new InvoiceID)',
          cells: ['1', 'Ada', '5000', '0', 'ada@example.com', 'JPY', 'CUS-1'],
        },
        expect.objectContaining({
          row: 3,
          reason: expect.stringMatching(/^CustomerID CUS-9 differs from CUS-1: /),
        }),
      ]);
    });

    it('rejects such a row again when a hand-over resumes past it, so the rejects file is whole', async () => {
      const h = harness(fixedHeader + '1,Ada,5000,0,,JPY,CUS-1\r\n2,Bob,5.00,0,,EUR,CUS-2\r\n', {
        resumeAfterRow: 3,
      });
      h.paid.set('1', paidInEur);
      const outcome = await h.run();
      expect(outcome).toMatchObject({ kind: 'completed', counts: { accepted: 1, rejected: 1 } });
      expect(h.written).toEqual([]);
      expect(h.rejected).toEqual([expect.objectContaining({ row: 2 })]);
    });
  });

  it('checkpoints only over rows whose writes and events are done, in order', async () => {
    const h = harness(header + rows(10));
    await h.run();
    expect(h.checkpoints.length).toBeGreaterThan(1);
    expect([...h.checkpoints].sort((a, b) => a - b)).toEqual(h.checkpoints);
    expect(h.checkpoints.at(-1)).toBeLessThanOrEqual(11);
  });

  it('stops when told to, with every row up to the checkpoint written', async () => {
    let asked = 0;
    const h = harness(header + rows(10), { shouldStop: () => (asked += 1) >= 4 });
    const outcome = await h.run();
    // Asked after the header (row 1) and rows 2, 3 and 4.
    expect(outcome).toMatchObject({ kind: 'stopped', checkpointRow: 4 });
    expect(h.written.map((item) => item.invoiceId)).toEqual(['1', '2', '3']);
  });

  it('resumes after a checkpoint: no second write or InvoiceDue before it, duplicates still found across it', async () => {
    const h = harness(header + rows(4) + '2,Again,1.00,0,\r\n' + rows(2, 5), { resumeAfterRow: 3 });
    const outcome = await h.run();
    expect(outcome).toMatchObject({ kind: 'completed', counts: { rows: 7, accepted: 6, rejected: 1 } });
    expect(h.written.map((item) => item.invoiceId)).toEqual(['3', '4', '5', '6']);
    expect(h.announced.map((event) => event.data.invoiceId)).toEqual(['3', '4', '5', '6']);
    expect(h.rejected).toEqual([
      expect.objectContaining({ row: 6, reason: 'InvoiceID 2 appears again (first at row 3)' }),
    ]);
  });

  it.each([
    ['', 'it is empty'],
    ['\r\n\r\n', 'it is empty'],
    [header, 'it has a header row but no bills'],
    [header + '\r\n,,,,\r\n', 'it has a header row but no bills'],
    ['{"bills": []}\n', 'lacks InvoiceID, CustomerName, Balance, IsProcessed'],
    ['\u0000\u0001\u0002PK', 'it is not a CSV text file'],
  ])('calls %j unreadable: %s', async (csv, reason) => {
    const h = harness(csv);
    const outcome = await h.run();
    expect(outcome.kind).toBe('unreadable');
    expect(outcome.kind === 'unreadable' && outcome.reason).toContain(reason);
    expect(h.written).toEqual([]);
  });

  it('fails when a write fails, after letting the writes in flight settle', async () => {
    const h = harness(header + rows(10), {
      invoices: {
        putBills: async (items) => {
          if (items.some((item) => item.invoiceId === '5')) throw new Error('DynamoDB is down');
        },
        paidInvoices: async () => new Map(),
      },
    });
    await expect(h.run()).rejects.toThrow('DynamoDB is down');
  });
});
