import type { Customer } from '../../src/domain/customer';
import {
  approvalRefusal,
  decidedPayout,
  destinationChange,
  maskDestination,
  payoutEvent,
  reportedPayout,
  reportMismatch,
  requestedPayout,
  type PayoutControls,
} from '../../src/domain/payout';
import {
  createPayoutSimulator,
  simulatedOutcome,
  type SimulatedPayout,
} from '../../src/domain/payout-simulator';
import { signWebhook, webhookRefusal } from '../../src/domain/webhook-signature';

const controls: PayoutControls = { approvalThreshold: 100_000, dailyLimit: 1_000_000, reviewWindowHours: 24 };
const now = new Date('2026-12-01T12:00:00Z');
const customer: Customer = {
  customerId: 'cust-1',
  merchantId: 'tea-shop',
  name: 'Ada',
  email: 'ada@example.com',
  channels: ['email'],
  version: 1,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
};
const destination = {
  type: 'paypal' as const,
  masked: 'a***@example.com',
  recipientToken: 'rcp_1',
  fingerprint: 'f1',
};

function payout(amount: number, recentlyChanged = false) {
  return requestedPayout(
    {
      payoutId: 'po_1',
      body: {
        customerId: 'cust-1',
        amount: { amount, currency: 'EUR' },
        destination: { type: 'paypal', email: 'ada@example.com' },
        reference: 'Claim 1',
      },
      customer,
      destination,
      requestedBy: 'operator-console',
      merchantId: 'tea-shop',
      correlationId: 'c-1',
    },
    recentlyChanged,
    controls,
    now,
  );
}

describe('payout controls', () => {
  it('releases a payout at or below the threshold and holds one above it for a second operator', () => {
    expect(payout(100_000)).toMatchObject({ status: 'SUBMITTING', holds: [] });
    expect(payout(100_001)).toMatchObject({
      status: 'AWAITING_APPROVAL',
      holds: ['ABOVE_APPROVAL_THRESHOLD'],
    });
    expect(payout(100_001).history.map((entry) => entry.action)).toEqual(['REQUESTED', 'HELD']);
  });

  it("treats a customer's first destination as no change, another one as a change held for 24 h", () => {
    expect(destinationChange(customer, destination, now, controls)).toEqual({
      changed: false,
      recentlyChanged: false,
    });
    const known = { ...customer, payoutDestination: destination };
    expect(destinationChange(known, destination, now, controls)).toEqual({
      changed: false,
      recentlyChanged: false,
    });
    expect(destinationChange(known, { ...destination, fingerprint: 'f2' }, now, controls)).toEqual({
      changed: true,
      recentlyChanged: true,
    });
    const changedAt = (hoursAgo: number) => ({
      ...known,
      destinationChangedAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(),
    });
    expect(destinationChange(changedAt(23), destination, now, controls).recentlyChanged).toBe(true);
    expect(destinationChange(changedAt(25), destination, now, controls).recentlyChanged).toBe(false);
  });

  it('lets only an operator other than the requester decide', () => {
    const held = payout(150_000);
    expect(approvalRefusal(held, { subject: 'operator-console', operator: true })).toBe('requester');
    expect(approvalRefusal(held, { subject: 'tea-shop', operator: false })).toBe('not-an-operator');
    expect(approvalRefusal(held, { subject: 'second-operator', operator: true })).toBeUndefined();
    const approved = decidedPayout(held, { decision: 'approve' }, 'second-operator', now);
    expect(approved).toMatchObject({ status: 'SUBMITTING', approvedBy: 'second-operator', version: 2 });
    expect(() => decidedPayout(approved, { decision: 'approve' }, 'second-operator', now)).toThrow(
      /SUBMITTING/,
    );
  });
});

describe('provider reports', () => {
  const pending = reportedPayout(
    payout(2500),
    {
      payoutId: 'po_1',
      providerReference: 'ref-1',
      status: 'PENDING',
      amount: { amount: 2500, currency: 'EUR' },
      at: now.toISOString(),
    },
    'api',
    now,
  )!;
  const succeeded = {
    payoutId: 'po_1',
    providerReference: 'ref-1',
    status: 'SUCCEEDED' as const,
    amount: { amount: 2500, currency: 'EUR' },
    at: now.toISOString(),
  };

  it('appends each provider status to the history once; a repeat changes nothing', () => {
    expect(pending.status).toBe('PENDING');
    const done = reportedPayout(pending, succeeded, 'webhook', now)!;
    expect(done.status).toBe('SUCCEEDED');
    expect(done.history.at(-1)).toMatchObject({
      action: 'PROVIDER_STATUS',
      providerStatus: 'SUCCEEDED',
      source: 'webhook',
    });
    expect(reportedPayout(done, succeeded, 'webhook', now)).toBeUndefined();
    expect(reportedPayout(done, { ...succeeded, status: 'FAILED' }, 'poll', now)).toBeUndefined();
    expect(payoutEvent(done, 'PENDING')?.detailType).toBe('PayoutSent');
  });

  it('believes a report only about the payout as sent', () => {
    expect(reportMismatch(pending, succeeded)).toBeUndefined();
    expect(reportMismatch(pending, { ...succeeded, providerReference: 'ref-2' })).toBe(
      'another provider reference',
    );
    expect(reportMismatch(pending, { ...succeeded, amount: { amount: 1, currency: 'EUR' } })).toMatch(
      /instead of/,
    );
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"evt_1"}';
  const signature = signWebhook(body, 'secret', now);

  it('accepts the signed body within five minutes of its time', () => {
    expect(webhookRefusal(signature, body, 'secret', new Date(now.getTime() + 299_000))).toBeUndefined();
  });

  it('refuses no header, another secret, another body and an old signature', () => {
    expect(webhookRefusal(undefined, body, 'secret', now)).toBe('no signature header');
    expect(webhookRefusal(signWebhook(body, 'other', now), body, 'secret', now)).toBe(
      'signature does not match',
    );
    expect(webhookRefusal(signature, '{"id":"evt_2"}', 'secret', now)).toBe('signature does not match');
    expect(webhookRefusal(signature, body, 'secret', new Date(now.getTime() + 301_000))).toMatch(/outside/);
    expect(webhookRefusal('t=1,v1=zz', body, 'secret', now)).toBe('malformed signature header');
  });
});

describe('the simulated payouts provider', () => {
  it.each([
    [300, undefined, 'FAILED', true],
    [400, undefined, 'UNCLAIMED', true],
    [500, undefined, 'SUCCEEDED', false],
    [2500, { type: 'bank_account' as const, accountNumber: '12340000', holderName: 'A' }, 'FAILED', true],
    [2500, undefined, 'SUCCEEDED', true],
  ])('%s minor units to %j: %s (webhook %s)', (amount, destination, status, sendsWebhook) => {
    const decided = simulatedOutcome({ amount, currency: 'EUR' }, destination);
    expect(decided.outcome.status).toBe(status);
    expect(decided.sendsWebhook).toBe(sendsWebhook);
  });

  it('answers PENDING, then its outcome once the delay has passed; a resubmission schedules no second webhook', async () => {
    const store = new Map<string, SimulatedPayout>();
    let clock = now;
    const scheduled: string[] = [];
    const provider = createPayoutSimulator({
      records: {
        getRecipient: async () => ({ type: 'paypal', email: 'a@example.com' }),
        putRecipient: async () => undefined,
        getPayout: async (id) => store.get(id),
        putFirstPayout: async (record) => {
          const first = store.get(record.report.payoutId);
          if (first) return { record: first, first: false };
          store.set(record.report.payoutId, record);
          return { record, first: true };
        },
        putPayout: async (record) => void store.set(record.report.payoutId, record),
      },
      scheduleWebhook: async (id) => void scheduled.push(id),
      delaySeconds: 30,
      now: () => clock,
    });
    const request = {
      payoutId: 'po_1',
      amount: { amount: 300, currency: 'EUR' },
      recipientToken: 'rcp',
      reference: 'r',
    };
    expect((await provider.submit(request)).status).toBe('PENDING');
    expect((await provider.submit(request)).status).toBe('PENDING');
    expect(scheduled).toEqual(['po_1']);
    expect((await provider.lookup('po_1'))?.status).toBe('PENDING');
    clock = new Date(now.getTime() + 30_000);
    expect(await provider.lookup('po_1')).toMatchObject({
      status: 'FAILED',
      code: 'RECEIVER_ACCOUNT_LOCKED',
    });
    expect(await provider.lookup('po_unknown')).toBeUndefined();
  });
});

describe('destinations', () => {
  it('are shown masked, never whole', () => {
    expect(maskDestination({ type: 'paypal', email: 'grace@example.com' })).toEqual({
      type: 'paypal',
      masked: 'g***@example.com',
    });
    expect(
      maskDestination({ type: 'bank_account', accountNumber: 'GB33BUKB20201555555555', holderName: 'G' }),
    ).toEqual({ type: 'bank_account', masked: '****5555' });
  });
});
