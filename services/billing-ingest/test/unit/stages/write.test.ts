import type { BillItem, PaidInvoice } from '../../../src/domain/invoice';
import {
  invoicesDueOf,
  writeUnit,
  type CustomerDetailsEvent,
  type InvoiceDueEvent,
  type RefusedRow,
  type WritePorts,
} from '../../../src/domain/stages/write';
import { acceptedRow, bill } from './fixtures';

const file = {
  key: 'incoming/bills-2026-11-21.csv',
  billDate: '2026-11-21',
  ingestedAt: '2026-11-21T06:00:00Z',
};
const paidInEur: PaidInvoice = { paidAmount: 400, bill: { currency: 'EUR', customerId: 'CUS-1' } };

function ports(paid: Map<string, PaidInvoice> = new Map()) {
  const steps: string[] = [];
  const put: BillItem[] = [];
  const announced: InvoiceDueEvent[] = [];
  const customers: CustomerDetailsEvent[] = [];
  const refused: RefusedRow[] = [];
  const writePorts: WritePorts = {
    file,
    invoices: {
      paidInvoices: async (ids) => {
        steps.push(`read ${ids.join(',')}`);
        return new Map([...paid].filter(([id]) => ids.includes(id)));
      },
      putBills: async (items) => {
        steps.push(`put ${items.map((item) => item.invoiceId).join(',')}`);
        put.push(...items);
      },
    },
    events: {
      publishInvoicesDue: async (events) => {
        steps.push(`announce ${events.map((event) => event.data.invoiceId).join(',')}`);
        announced.push(...events);
      },
      publishCustomerDetails: async (events) => {
        steps.push(`state ${events.map((event) => event.data.customerId).join(',')}`);
        customers.push(...events);
      },
    },
    refuse: async (row) => {
      steps.push(`refuse ${row.row}`);
      refused.push(row);
    },
  };
  return { writePorts, steps, put, announced, customers, refused };
}

describe('write stage', () => {
  it('reads the ledger, refuses a paid invoice whose currency changes, then puts and announces the rest', async () => {
    const paid = new Map([['1', paidInEur]]);
    const h = ports(paid);
    const rows = [
      acceptedRow(2, '1', {
        bill: bill('1', { customerId: 'CUS-1', billed: { amount: 500, currency: 'JPY' } }),
      }),
      acceptedRow(3, '2'),
    ];
    const written = await writeUnit(rows, h.writePorts);
    expect(h.steps).toEqual(['read 1,2', 'refuse 2', 'put 2', 'announce 2']);
    expect(h.refused).toEqual([
      { row: 2, cells: ['1'], reason: expect.stringMatching(/^Currency JPY differs from EUR: invoice 1/) },
    ]);
    expect(h.put).toEqual([
      expect.objectContaining({ invoiceId: '2', billedAmount: 1000, billDate: '2026-11-21' }),
    ]);
    expect(written).toEqual({ invoicesDue: 1, customerDetails: 0, alreadyPaid: 0 });
  });

  it("states the customers' details of the rows it wrote, after the put, and none of a refused row", async () => {
    const h = ports(new Map([['1', paidInEur]]));
    h.writePorts.customers = { merchantId: 'tea-shop', statedAt: '2026-11-21T05:59:00.000Z' };
    const named = { customerIdGiven: true, customerId: 'CUS-2' };
    const rows = [
      acceptedRow(2, '1', { bill: bill('1', { customerIdGiven: true, customerId: 'CUS-9' }) }),
      acceptedRow(3, '2', { bill: bill('2', named) }),
      acceptedRow(4, '3'),
    ];
    const written = await writeUnit(rows, h.writePorts);
    expect(h.steps.slice(0, 3)).toEqual(['read 1,2,3', 'refuse 2', 'put 2,3']);
    expect(h.steps.slice(3).sort()).toEqual(['announce 2,3', 'state CUS-2']);
    expect(h.customers.map((event) => event.data)).toEqual([
      expect.objectContaining({ merchantId: 'tea-shop', customerId: 'CUS-2', row: 3, fileKey: file.key }),
    ]);
    expect(written).toEqual({ invoicesDue: 2, customerDetails: 1, alreadyPaid: 0 });
  });

  it('announces what is still owed, and counts a bill paid in full instead of announcing it', async () => {
    const h = ports(
      new Map([
        ['1', { paidAmount: 1000 }],
        ['2', { paidAmount: 250 }],
      ]),
    );
    const written = await writeUnit([acceptedRow(2, '1'), acceptedRow(3, '2')], h.writePorts);
    expect(h.put.map((item) => item.invoiceId)).toEqual(['1', '2']);
    expect(h.announced.map((event) => [event.data.invoiceId, event.data.balance.amount])).toEqual([
      ['2', 750],
    ]);
    expect(written).toEqual({ invoicesDue: 1, customerDetails: 0, alreadyPaid: 1 });
  });

  it('checks rows written by an earlier invocation again but puts and announces nothing for them', async () => {
    const h = ports(new Map([['1', paidInEur]]));
    const rows = [
      acceptedRow(2, '1', { written: true, bill: bill('1', { customerId: 'CUS-9' }) }),
      acceptedRow(3, '2', { written: true }),
    ];
    const written = await writeUnit(rows, h.writePorts);
    expect(h.steps).toEqual(['read 1,2', 'refuse 2']);
    expect(written).toEqual({ invoicesDue: 0, customerDetails: 0, alreadyPaid: 0 });
  });

  it('announces nothing when the put fails', async () => {
    const h = ports();
    h.writePorts.invoices.putBills = async () => {
      throw new Error('DynamoDB is down');
    };
    await expect(writeUnit([acceptedRow(2, '1')], h.writePorts)).rejects.toThrow('DynamoDB is down');
    expect(h.announced).toEqual([]);
  });

  it('gives the same InvoiceDue id for the same bill and bill date, another for another amount', () => {
    const first = invoicesDueOf([bill('1')], new Map(), '2026-11-21').due[0]!;
    const again = invoicesDueOf([bill('1')], new Map(), '2026-11-21').due[0]!;
    const changed = invoicesDueOf(
      [bill('1', { billed: { amount: 999, currency: 'EUR' } })],
      new Map(),
      '2026-11-21',
    ).due[0]!;
    expect(again.id).toBe(first.id);
    expect(changed.id).not.toBe(first.id);
  });
});
