import {
  CreateSessionBodySchema,
  effectiveStatus,
  expiryCheckDelaySeconds,
  newSession,
  sessionView,
} from '../../src/domain/session';

const now = new Date('2026-11-21T10:00:00.000Z');
const body = { orderId: 'ord-1', amount: { amount: 1500, currency: 'EUR' } };

describe('payment sessions', () => {
  it('expire after 10 minutes by default', () => {
    const session = newSession(
      CreateSessionBodySchema.parse(body),
      { sessionId: 'ps_1', correlationId: 'c' },
      now,
    );
    expect(session.payBefore).toBe('2026-11-21T10:10:00.000Z');
    expect(session.status).toBe('CREATED');
  });

  it('read as EXPIRED once the deadline passed, before any sweeper ran', () => {
    const session = newSession(
      CreateSessionBodySchema.parse({ ...body, expiresInSeconds: 5 }),
      { sessionId: 'ps_1', correlationId: 'c' },
      now,
    );
    expect(effectiveStatus(session, new Date(now.getTime() + 4_000))).toBe('CREATED');
    expect(effectiveStatus(session, new Date(now.getTime() + 5_000))).toBe('EXPIRED');
  });

  it('give a pay URL on the billing page', () => {
    const session = newSession(
      CreateSessionBodySchema.parse(body),
      { sessionId: 'ps_1', correlationId: 'c' },
      now,
    );
    expect(sessionView(session, 'http://localhost:3000/', now).payUrl).toBe(
      'http://localhost:3000/?session=ps_1',
    );
  });

  it('are checked for expiry when due, at most 15 minutes ahead (SQS delay limit)', () => {
    expect(expiryCheckDelaySeconds('2026-11-21T10:10:00.000Z', now)).toBe(600);
    expect(expiryCheckDelaySeconds('2026-11-21T12:00:00.000Z', now)).toBe(900);
    expect(expiryCheckDelaySeconds('2026-11-21T09:00:00.000Z', now)).toBe(0);
  });

  it('need a notification choice when a task token waits on the outcome', () => {
    const result = CreateSessionBodySchema.safeParse({ ...body, taskToken: 'token' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['notification']);
  });

  it('refuse zero amounts, unknown currencies and lifetimes over a day', () => {
    expect(
      CreateSessionBodySchema.safeParse({ ...body, amount: { amount: 0, currency: 'EUR' } }).success,
    ).toBe(false);
    expect(
      CreateSessionBodySchema.safeParse({ ...body, amount: { amount: 1, currency: 'EURO' } }).success,
    ).toBe(false);
    expect(CreateSessionBodySchema.safeParse({ ...body, expiresInSeconds: 86_401 }).success).toBe(false);
  });
});
