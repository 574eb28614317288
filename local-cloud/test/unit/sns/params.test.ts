import { readBatchEntries, readMap, readMessageAttributes } from '../../../src/sns/params';

describe('query parameter readers', () => {
  it('reads the maps, attributes and batch entries @aws-sdk/client-sns sends', () => {
    const params = new URLSearchParams(
      'Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true' +
        '&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v' +
        '&PublishBatchRequestEntries.member.1.Id=1&PublishBatchRequestEntries.member.1.Message=m' +
        '&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Name=n' +
        '&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.DataType=Number' +
        '&PublishBatchRequestEntries.member.1.MessageAttributes.entry.1.Value.StringValue=1' +
        '&PublishBatchRequestEntries.member.2.Id=2&PublishBatchRequestEntries.member.2.Message=',
    );
    expect(readMap(params, 'Attributes')).toEqual({ FifoTopic: 'true' });
    expect(readMessageAttributes(params, 'MessageAttributes')).toEqual({
      a: { DataType: 'String', StringValue: 'v' },
    });
    expect(readBatchEntries(params)).toEqual([
      { Id: '1', Message: 'm', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } },
      { Id: '2', Message: '', MessageAttributes: {} },
    ]);
  });
});
