import { eventContracts, type InvoiceDueData } from '@payflow/shared';
import type { CustomerEvent } from '../../src/domain/customer-events';
import { notifyBatch } from '../../src/domain/notify';
import { UnknownCustomerError } from '../../src/domain/recipients';
import { contractExample } from '../support/contract-fixtures';
import { memoryPorts } from '../support/memory-ports';

/** An InvoiceDue as billing-ingest sends it for a row that names a customer, with or without the row's own contact. */
function invoiceDue(change: (data: InvoiceDueData) => InvoiceDueData, id?: string): CustomerEvent {
  const example = contractExample('InvoiceDue');
  const detail = {
    ...example.detail,
    ...(id ? { id } : {}),
    data: change(example.detail.data as unknown as InvoiceDueData),
  };
  return {
    source: 'payflow.billing-ingest',
    detailType: 'InvoiceDue',
    detail: eventContracts.InvoiceDue.detailSchema.parse(detail),
  } as CustomerEvent;
}

const ada = { id: 'CUST-ada', merchantId: 'tea-shop' };
const noChoice = ({ contact: _contact, ...data }: InvoiceDueData): InvoiceDueData => ({
  ...data,
  customer: ada,
});
const stored = () =>
  new Map([
    [
      ada.id,
      {
        merchantId: 'tea-shop',
        choice: {
          channels: ['sms' as const, 'email' as const],
          email: 'ada@example.com',
          phone: '+447700900123',
        },
      },
    ],
  ]);

describe("a customer's stored channels", () => {
  it('are what an event without a choice of its own is sent on, in their order, once each', async () => {
    const { sent, ports, lookups } = memoryPorts({}, {}, stored());
    const event = invoiceDue(noChoice);
    const { items } = await notifyBatch(
      [
        { id: 'm1', event },
        { id: 'm2', event },
      ],
      ports,
    );
    expect(items.map((item) => item.error)).toEqual([undefined, undefined]);
    expect(sent.map((s) => [s.channel, s.to])).toEqual([
      ['sms', '+447700900123'],
      ['email', 'ada@example.com'],
    ]);
    // One look-up for the whole batch.
    expect(lookups).toHaveLength(1);
    await notifyBatch([{ id: 'm3', event }], ports);
    expect(sent).toHaveLength(2);
  });

  it('are not used when the event carries its own choice, which wins (and nothing is looked up)', async () => {
    const { sent, ports, lookups } = memoryPorts({}, {}, stored());
    const event = invoiceDue((data) => ({ ...data, customer: ada }));
    await notifyBatch([{ id: 'm1', event }], ports);
    expect(sent.map((s) => s.to)).toEqual(['grace.hopper@example.com', '+14155550123']);
    expect(lookups).toEqual([]);
  });

  it("of an unknown customer, or another merchant's, send nothing: the record is retried", async () => {
    const { sent, ports } = memoryPorts({}, {}, stored());
    const unknown = invoiceDue((data) => ({
      ...noChoice(data),
      customer: { id: 'CUST-nobody', merchantId: 'tea-shop' },
    }));
    const otherMerchant = invoiceDue(
      (data) => ({ ...noChoice(data), customer: { id: ada.id, merchantId: 'other-shop' } }),
      '5d2a8f10-3c7b-4e91-a6d4-0000000000aa',
    );
    const { items } = await notifyBatch(
      [
        { id: 'm1', event: unknown },
        { id: 'm2', event: otherMerchant },
      ],
      ports,
    );
    expect(items.map((item) => item.error)).toEqual([
      expect.any(UnknownCustomerError),
      expect.any(UnknownCustomerError),
    ]);
    expect(items[0]!.error!.message).not.toMatch(/@|\+44/);
    expect(sent).toEqual([]);
  });

  it('that cannot be read fail only the events that needed them', async () => {
    const { sent, ports } = memoryPorts({}, {}, stored());
    ports.storedChoices = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const withChoice = invoiceDue((data) => data, '5d2a8f10-3c7b-4e91-a6d4-0000000000bb');
    const { items } = await notifyBatch(
      [
        { id: 'm1', event: invoiceDue(noChoice) },
        { id: 'm2', event: withChoice },
      ],
      ports,
    );
    expect(items[0]!.error?.message).toBe('ProvisionedThroughputExceededException');
    expect(items[1]!.error).toBeUndefined();
    expect(sent).toHaveLength(2);
  });

  it('the contract refuses an InvoiceDue with neither a choice nor a customer', () => {
    const { contact: _contact, ...data } = contractExample('InvoiceDue').detail.data;
    expect(eventContracts.InvoiceDue.schema.safeParse(data).success).toBe(false);
  });
});
