import { md5OfMessageAttributes } from '../../../src/sqs/md5';
import { settleBatch } from '../../../src/event-source-mappings';
import type { ReceivedMessage } from '../../../src/sqs';

describe('md5OfMessageAttributes', () => {
  it('matches the MD5 AWS returns for a Number attribute', () => {
    expect(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } })).toBe(
      '235c5c510d26fb653d073faed50ae77c',
    );
  });

  it('does not depend on the order attributes were given in', () => {
    const a = { DataType: 'String', StringValue: 'a' };
    const b = { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) };
    expect(md5OfMessageAttributes({ a, b })).toBe(md5OfMessageAttributes({ b, a }));
  });
});

describe('settleBatch (ReportBatchItemFailures)', () => {
  const batch = ['m1', 'm2'].map(
    (id) => ({ message: { messageId: id }, receiptHandle: id }) as unknown as ReceivedMessage,
  );
  const ids = (records: ReceivedMessage[]) => records.map((r) => r.message.messageId);

  it('deletes everything for a null response or an empty failure list', () => {
    expect(ids(settleBatch(batch, undefined, true))).toEqual(['m1', 'm2']);
    expect(ids(settleBatch(batch, { batchItemFailures: [] }, true))).toEqual(['m1', 'm2']);
  });

  it('deletes all except the reported ones', () => {
    expect(ids(settleBatch(batch, { batchItemFailures: [{ itemIdentifier: 'm2' }] }, true))).toEqual(['m1']);
  });

  it('deletes nothing for an empty, null or unknown itemIdentifier', () => {
    expect(settleBatch(batch, { batchItemFailures: [{ itemIdentifier: '' }] }, true)).toEqual([]);
    expect(settleBatch(batch, { batchItemFailures: [{ itemIdentifier: null }] }, true)).toEqual([]);
    expect(settleBatch(batch, { batchItemFailures: [{ itemIdentifier: 'zz' }] }, true)).toEqual([]);
  });

  it('ignores the response when ReportBatchItemFailures is off', () => {
    expect(ids(settleBatch(batch, { batchItemFailures: [{ itemIdentifier: 'm2' }] }, false))).toEqual([
      'm1',
      'm2',
    ]);
  });
});
