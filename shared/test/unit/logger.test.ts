import { createLogger, redactCardNumbers, withCorrelationId } from '../../src';

/** Powertools writes JSON lines to stdout (errors to stderr); capture them as objects. */
function captureLogLines(): {
  lines: () => Record<string, unknown>[];
  raw: () => string;
  restore: () => void;
} {
  const written: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  return {
    lines: () =>
      written
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    raw: () => written.join(''),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

describe('redactCardNumbers', () => {
  it('replaces Luhn-valid 13–19 digit runs, plain or grouped', () => {
    expect(redactCardNumbers('card 4111111111111111 declined')).toBe('card [REDACTED] declined');
    expect(redactCardNumbers('card 4111 1111 1111 1111 declined')).toBe('card [REDACTED] declined');
    expect(redactCardNumbers('amex 3782-822463-10005')).toBe('amex [REDACTED]');
  });

  it('leaves other numbers alone: failed Luhn, too short, too long', () => {
    expect(redactCardNumbers('order 4111111111111112')).toBe('order 4111111111111112');
    expect(redactCardNumbers('ts 1763719200001')).toBe('ts 1763719200001');
    expect(redactCardNumbers('amount 12550 EUR, last4 1111')).toBe('amount 12550 EUR, last4 1111');
    expect(redactCardNumbers('41111111111111110000000')).toBe('41111111111111110000000');
  });
});

describe('createLogger', () => {
  let capture: ReturnType<typeof captureLogLines>;
  beforeEach(() => {
    capture = captureLogLines();
  });
  afterEach(() => capture.restore());

  it('writes JSON with the service name and the correlation id', () => {
    const logger = withCorrelationId(createLogger('payments'), 'corr-42');
    logger.info('payment accepted', { paymentId: 'pay-1' });
    capture.restore();
    expect(capture.lines()[0]).toMatchObject({
      level: 'INFO',
      message: 'payment accepted',
      service: 'payments',
      correlation_id: 'corr-42',
      paymentId: 'pay-1',
    });
  });

  it('never writes a card number or a CVV, wherever it appears', () => {
    const logger = createLogger('checkout');
    logger.info('card 4111 1111 1111 1111 submitted', {
      card: { number: '4111111111111111', cvv: '123', CVC: 456, securityCode: '789', last4: '1111' },
      numeric: 4111111111111111,
      nested: [{ note: 'retry with 5555555555554444' }],
    });
    logger.error('provider failed', new Error('rejected card 378282246310005'));
    capture.restore();

    const raw = capture.raw();
    for (const secret of ['4111111111111111', '4111 1111 1111 1111', '5555555555554444', '378282246310005']) {
      expect(raw).not.toContain(secret);
    }
    const [submitted, failed] = capture.lines();
    expect(submitted).toMatchObject({
      message: 'card [REDACTED] submitted',
      card: {
        number: '[REDACTED]',
        cvv: '[REDACTED]',
        CVC: '[REDACTED]',
        securityCode: '[REDACTED]',
        last4: '1111',
      },
      numeric: '[REDACTED]',
      nested: [{ note: 'retry with [REDACTED]' }],
    });
    expect(failed).toMatchObject({ error: { message: 'rejected card [REDACTED]' } });
    expect(JSON.stringify(failed)).not.toContain('378282246310005');
  });
});
