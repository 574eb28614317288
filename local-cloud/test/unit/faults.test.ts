import { Faults } from '../../src/faults';

describe('the fault switch', () => {
  it('fails exactly the next N calls of the named operation, then lets calls through', () => {
    const faults = new Faults();
    faults.add({ service: 'ses', operation: 'SendEmail', error: 'TooManyRequestsException', count: 2 });
    expect(faults.take('ses', 'SendRawEmail')).toBeUndefined();
    expect(faults.take('ses', 'SendEmail')?.error).toMatchObject({
      code: 'TooManyRequestsException',
      status: 429,
    });
    expect(faults.take('ses', 'SendEmail')?.error).toMatchObject({ code: 'TooManyRequestsException' });
    expect(faults.take('ses', 'SendEmail')).toBeUndefined();
  });

  it('with match, fails only calls whose body mentions the text (JSON or form-encoded)', () => {
    const faults = new Faults();
    faults.add({
      service: 'sns',
      operation: 'Publish',
      error: 'InvalidParameter',
      count: 1,
      match: '+447700900123',
    });
    expect(faults.take('sns', 'Publish', 'Action=Publish&PhoneNumber=%2B447700900999')).toBeUndefined();
    expect(faults.take('sns', 'Publish', 'Action=Publish&PhoneNumber=%2B447700900123')?.error).toMatchObject({
      code: 'InvalidParameter',
      status: 400,
    });
    expect(faults.take('sns', 'Publish', 'Action=Publish&PhoneNumber=%2B447700900123')).toBeUndefined();
  });

  it('with a list to match, fails only calls whose body mentions every text', () => {
    const faults = new Faults();
    faults.add({
      service: 'dynamodb',
      operation: 'TransactWriteItems',
      error: 'InternalServerError',
      count: 1,
      match: ['pay_1', '"SUCCEEDED"'],
    });
    expect(
      faults.take('dynamodb', 'TransactWriteItems', '{"id":"pay_1","status":"PROCESSING"}'),
    ).toBeUndefined();
    expect(
      faults.take('dynamodb', 'TransactWriteItems', '{"id":"pay_2","status":"SUCCEEDED"}'),
    ).toBeUndefined();
    expect(
      faults.take('dynamodb', 'TransactWriteItems', '{"id":"pay_1","status":"SUCCEEDED"}')?.error,
    ).toMatchObject({ code: 'InternalServerError' });
  });

  it('with delayMs alone, makes the matched call wait and then serves it (no error)', () => {
    const faults = new Faults();
    faults.add({ service: 'dynamodb', operation: 'PutItem', delayMs: 800, match: 'bank-simulator' });
    expect(faults.take('dynamodb', 'PutItem', '{"TableName":"payments"}')).toBeUndefined();
    expect(faults.take('dynamodb', 'PutItem', '{"TableName":"bank-simulator"}')).toEqual({ delayMs: 800 });
    expect(faults.take('dynamodb', 'PutItem', '{"TableName":"bank-simulator"}')).toBeUndefined();
  });

  it('refuses a rule with neither an error nor a delay, and a delay out of range', () => {
    const faults = new Faults();
    expect(() => faults.add({ service: 'dynamodb', operation: 'PutItem' })).toThrow(/error \(or delayMs\)/);
    expect(() => faults.add({ service: 'dynamodb', operation: 'PutItem', delayMs: 0 })).toThrow(/delayMs/);
    expect(() => faults.add({ service: 'dynamodb', operation: 'PutItem', delayMs: 60_001 })).toThrow(
      /delayMs/,
    );
  });
});
