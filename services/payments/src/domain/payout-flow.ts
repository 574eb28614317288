import {
  isFinished,
  payoutEvent,
  releasesLimit,
  reportedPayout,
  reportMismatch,
  type Payout,
  type PayoutOutboxEvent,
} from './payout';
import type { PayoutProvider, ProviderPayoutReport } from './payout-provider';

/** What the payout flow needs from the outside: the store, the provider and the outbox's publisher. */
export interface PayoutDependencies {
  store: {
    get(payoutId: string): Promise<{ payout: Payout; outbox: PayoutOutboxEvent[] } | undefined>;
    transition(
      before: Payout,
      after: Payout,
      event: PayoutOutboxEvent | undefined,
      releaseLimit: boolean,
    ): Promise<boolean>;
    askedAt(payout: Payout, at: string): Promise<void>;
  };
  provider: PayoutProvider;
  /** Sends an event recorded in the outbox and marks it sent; a failure leaves it for the reconciler. */
  publish(payoutId: string, event: PayoutOutboxEvent): Promise<void>;
  /** A step that failed and is left to the reconciler (logged). */
  onDeferred(what: string, payout: Payout, error: unknown): void;
  now?: () => Date;
}

const now = (deps: PayoutDependencies) => deps.now?.() ?? new Date();

/** Sends what the outbox holds; a failure is left to the reconciler. */
export async function publishOutbox(payout: Payout, events: PayoutOutboxEvent[], deps: PayoutDependencies) {
  for (const event of events) {
    try {
      await deps.publish(payout.payoutId, event);
    } catch (error) {
      deps.onDeferred(`publishing ${event.detailType}`, payout, error);
    }
  }
}

/**
 * Records a change with its event (one transaction) and publishes the event. When someone else changed the payout
 * first, answers the payout as it now stands.
 */
export async function recordChange(before: Payout, after: Payout, deps: PayoutDependencies): Promise<Payout> {
  const event = payoutEvent(after, before.status);
  const released = releasesLimit(after.status) && !releasesLimit(before.status);
  if (!(await deps.store.transition(before, after, event, released))) {
    return (await deps.store.get(before.payoutId))?.payout ?? before;
  }
  if (event) await publishOutbox(after, [event], deps);
  return after;
}

/** What a provider report did to the payout. */
export type ReportResult =
  { outcome: 'applied' | 'unchanged'; payout: Payout } | { outcome: 'mismatch'; why: string };

/** A report from the provider (webhook or look-up): believed only when it matches the payout as we sent it. */
export async function applyReport(
  payout: Payout,
  report: ProviderPayoutReport,
  source: 'webhook' | 'poll' | 'api',
  deps: PayoutDependencies,
): Promise<ReportResult> {
  const why = reportMismatch(payout, report);
  if (why) return { outcome: 'mismatch', why };
  const after = reportedPayout(payout, report, source, now(deps));
  if (!after) return { outcome: 'unchanged', payout };
  const recorded = await recordChange(payout, after, deps);
  return { outcome: recorded === after ? 'applied' : 'unchanged', payout: recorded };
}

/**
 * Hands a released payout (SUBMITTING) to the provider, under the payout id as its idempotency key, and records the
 * acceptance. A provider that does not answer leaves it SUBMITTING: the reconciler submits it again.
 */
export async function submitPayout(payout: Payout, deps: PayoutDependencies): Promise<Payout> {
  if (payout.status !== 'SUBMITTING') return payout;
  let report: ProviderPayoutReport;
  try {
    report = await deps.provider.submit({
      payoutId: payout.payoutId,
      amount: payout.amount,
      recipientToken: payout.destination.recipientToken,
      reference: payout.reference,
    });
  } catch (error) {
    deps.onDeferred('submitting to the provider', payout, error);
    return payout;
  }
  const result = await applyReport(payout, report, 'api', deps);
  if (result.outcome === 'mismatch') throw new Error(`The provider answered about ${result.why}`);
  return result.payout;
}

/** What the reconciler did with one payout. */
export type PayoutReconcileAction = 'published' | 'submitted' | 'decided' | 'still-pending' | 'nothing';

/**
 * Every payout is finished and announced: unsent events are sent, a released payout whose acceptance was not
 * recorded is submitted again (same id: paid once), and a pending one is asked about until the provider decides.
 */
export async function reconcilePayout(
  { payout, outbox }: { payout: Payout; outbox: PayoutOutboxEvent[] },
  deps: PayoutDependencies,
): Promise<PayoutReconcileAction> {
  if (outbox.length > 0) {
    for (const event of outbox) await deps.publish(payout.payoutId, event);
    if (payout.status !== 'SUBMITTING' && payout.status !== 'PENDING') return 'published';
  }
  if (payout.status === 'SUBMITTING') {
    const after = await submitPayout(payout, deps);
    return after.status === 'SUBMITTING' ? 'nothing' : 'submitted';
  }
  if (payout.status !== 'PENDING' || isFinished(payout.status)) return 'nothing';
  const report = await deps.provider.lookup(payout.payoutId);
  if (!report || report.status === 'PENDING') {
    await deps.store.askedAt(payout, now(deps).toISOString());
    return 'still-pending';
  }
  const result = await applyReport(payout, report, 'poll', deps);
  if (result.outcome === 'mismatch') throw new Error(`The provider answered about ${result.why}`);
  return result.outcome === 'applied' ? 'decided' : 'nothing';
}
