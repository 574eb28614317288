import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { InvoiceItemError } from '@payflow/shared';
import { createInvoicesTable } from '../../src/adapters/invoices-table';

const TABLE = 'payflow-invoices-test';

/** A stand-in for DynamoDB's BatchGetItem: answers each requested key with the stored item, if any. */
function tableHolding(items: Record<string, unknown>[]) {
  const requested: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof BatchGetCommand)) throw new Error('only BatchGetItem is expected');
      const keys = command.input.RequestItems![TABLE]!.Keys!;
      requested.push(...keys);
      const found = items.filter((item) =>
        keys.some((key) => key.invoiceId === item.invoiceId && key.record === item.record),
      );
      return { Responses: { [TABLE]: found } };
    },
  };
  return { table: createInvoicesTable({ tableName: TABLE, client: client as never }), requested };
}

const ledger = { invoiceId: '1001', record: 'LEDGER', paidAmount: 5000 };
const bill = { invoiceId: '1001', record: 'BILL', currency: 'EUR', customerId: 'C-7' };

describe('the invoices table as billing-ingest reads it', () => {
  it('asks for LEDGER and BILL items by the contract keys and returns what was paid, on which terms', async () => {
    const { table, requested } = tableHolding([ledger, bill]);
    const paid = await table.paidInvoices(['1001', '1002']);
    expect(requested).toEqual([
      { invoiceId: '1001', record: 'LEDGER' },
      { invoiceId: '1002', record: 'LEDGER' },
      { invoiceId: '1001', record: 'BILL' },
    ]);
    expect([...paid]).toEqual([['1001', { paidAmount: 5000, bill: { currency: 'EUR', customerId: 'C-7' } }]]);
  });

  it('refuses a LEDGER whose paid amount is text, rather than take it as nothing paid', async () => {
    const { table } = tableHolding([{ ...ledger, paidAmount: '5000' }, bill]);
    const read = table.paidInvoices(['1001']);
    await expect(read).rejects.toThrow(InvoiceItemError);
    await expect(read).rejects.toThrow('The LEDGER item of invoice "1001" does not match');
  });

  it('refuses a stored BILL whose currency is not a currency code, rather than skip the fixed-terms check', async () => {
    const { table } = tableHolding([ledger, { ...bill, currency: 'euro' }]);
    await expect(table.paidInvoices(['1001'])).rejects.toThrow(
      'currency: "euro" is not an ISO 4217 currency code',
    );
  });
});
