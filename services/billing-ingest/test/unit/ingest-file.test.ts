import { Readable } from 'node:stream';
import {
  FileGone,
  ingestBillsFile,
  type BillsFileRef,
  type FileRecord,
  type IngestDependencies,
  type IngestSettings,
} from '../../src/domain/ingest-file';

const file: BillsFileRef = { bucket: 'bills', key: 'incoming/bills-2026-11-21.csv', etag: 'abc' };
const settings: IngestSettings = {
  billerMerchantId: 'tea-shop',
  defaultCurrency: 'EUR',
  paymentTermsDays: 14,
  handOffMarginMs: 1_000,
  maxAttempts: 3,
};
const csv = 'InvoiceID,CustomerName,Balance,IsProcessed,Email\n1,Ada,5.00,0,ada@example.com\n';

/** In-memory ports recording the calls the life cycle makes. */
function ports(record: FileRecord | 'completed', overrides: Partial<IngestDependencies> = {}) {
  const calls: string[] = [];
  const failed: string[] = [];
  const deps: IngestDependencies = {
    ledger: {
      claim: async () =>
        record === 'completed'
          ? { kind: 'skipped', reason: 'this version (ETag abc) was already ingested' }
          : { kind: 'claimed', record },
      checkpoint: async () => undefined,
      handOff: async () => void calls.push('handOff'),
      complete: async () => void calls.push('complete'),
      fail: async (_file, _owner, reason) => void failed.push(reason),
      release: async () => void calls.push('release'),
    },
    bucket: {
      open: async () => Readable.from([Buffer.from(csv)]),
      openRejects: () => ({
        reject: async () => undefined,
        finish: async () => undefined,
        abort: async () => undefined,
      }),
      deleteRejects: async () => void calls.push('deleteRejects'),
    },
    invoices: { putBills: async () => void calls.push('putBills'), paidInvoices: async () => new Map() },
    events: {
      publishInvoicesDue: async () => void calls.push('InvoiceDue'),
      publishCustomerDetails: async () => void calls.push('CustomerDetailsIngested'),
      billsIngested: async () => void calls.push('BillsIngested'),
      billsIngestFailed: async (data) => void calls.push(`BillsIngestFailed: ${data.reason}`),
    },
    selfInvoker: { resume: async () => void calls.push('resume') },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    ...overrides,
  };
  return { deps, calls, failed };
}

const fresh: FileRecord = {
  status: 'IN_PROGRESS',
  checkpointRow: 0,
  attempts: 1,
  billDate: '2026-11-21',
  ingestedAt: '2026-11-21T06:00:00.000Z',
  startedAt: 0,
};
const request = { file, uploadedAt: new Date(), invocationId: 'inv-1', remainingMs: () => 900_000 };

describe('ingestBillsFile', () => {
  it('writes, announces, then records the file as completed, in that order', async () => {
    const { deps, calls } = ports(fresh);
    const result = await ingestBillsFile(deps, settings, request);
    expect(result).toMatchObject({
      status: 'completed',
      summary: { accepted: 1, rejected: 0, rejectsKey: null },
    });
    expect(calls).toEqual(['putBills', 'InvoiceDue', 'deleteRejects', 'BillsIngested', 'complete']);
  });

  it('does nothing at all for a version already ingested', async () => {
    const { deps, calls } = ports('completed');
    expect(await ingestBillsFile(deps, settings, request)).toEqual({
      status: 'skipped',
      reason: 'this version (ETag abc) was already ingested',
    });
    expect(calls).toEqual([]);
  });

  it('releases the file and rethrows a passing failure, so Lambda retries it', async () => {
    const { deps, calls } = ports(fresh, {
      invoices: {
        putBills: async () => Promise.reject(new Error('throttled')),
        paidInvoices: async () => new Map(),
      },
    });
    await expect(ingestBillsFile(deps, settings, request)).rejects.toThrow('throttled');
    expect(calls).toEqual(['release']);
  });

  it('gives a file up with BillsIngestFailed on its last attempt instead of retrying forever', async () => {
    const { deps, calls, failed } = ports(
      { ...fresh, attempts: 3 },
      {
        invoices: {
          putBills: async () => Promise.reject(new Error('throttled')),
          paidInvoices: async () => new Map(),
        },
      },
    );
    expect(await ingestBillsFile(deps, settings, request)).toMatchObject({ status: 'failed' });
    expect(failed).toEqual(['gave up after 3 attempts (last error: Error: throttled)']);
    expect(calls).toEqual([
      'BillsIngestFailed: bills-2026-11-21.csv: gave up after 3 attempts (last error: Error: throttled)',
    ]);
  });

  it('fails a file deleted before it could be read, without retrying', async () => {
    const { deps, failed } = ports(fresh, {
      bucket: {
        open: async () => Promise.reject(new FileGone('the file was deleted before it could be read')),
        openRejects: () => {
          throw new Error('unused');
        },
        deleteRejects: async () => undefined,
      },
    });
    expect(await ingestBillsFile(deps, settings, request)).toMatchObject({ status: 'failed' });
    expect(failed).toEqual(['the file was deleted before it could be read']);
  });

  it('hands over with a token and a resume invocation when time runs low', async () => {
    let remaining = 900_000;
    const { deps, calls } = ports(fresh, {
      bucket: {
        open: async () => Readable.from([Buffer.from(csv + '2,Bob,1.00,0,\n3,Cy,1.00,0,\n')]),
        openRejects: () => ({
          reject: async () => undefined,
          finish: async () => undefined,
          abort: async () => undefined,
        }),
        deleteRejects: async () => undefined,
      },
    });
    const result = await ingestBillsFile(deps, settings, {
      ...request,
      remainingMs: () => (remaining -= 300_000),
    });
    expect(result).toMatchObject({ status: 'continued' });
    expect(calls.slice(-2)).toEqual(['handOff', 'resume']);
    expect(calls).not.toContain('complete');
  });
});
