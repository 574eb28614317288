import {
  DomainError,
  EmailSchema,
  formatMoney,
  IdentifierSchema,
  MoneySchema,
  type MaskedPayoutDestination,
  type Money,
  type NotificationChoice,
  type PayoutFailedData,
  type PayoutRequestedData,
  type PayoutSentData,
} from '@payflow/shared';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Customer, StoredPayoutDestination } from './customer';
import { stableEventId } from './payment';
import type { PayoutDestinationInput, ProviderPayoutReport } from './payout-provider';

/**
 * AWAITING_APPROVAL: held until an operator other than the requester approves (above the threshold, or a
 * destination changed less than 24 h ago). SUBMITTING: released to the provider, its answer not yet recorded.
 * PENDING: the provider accepted it and has not decided. SUCCEEDED / FAILED / UNCLAIMED: the provider's outcome.
 * REJECTED: an operator refused it; it never reached the provider.
 */
export const payoutStatuses = [
  'AWAITING_APPROVAL',
  'SUBMITTING',
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'UNCLAIMED',
  'REJECTED',
] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];

/** Why a payout waits for a second operator. */
type PayoutHold = 'ABOVE_APPROVAL_THRESHOLD' | 'DESTINATION_RECENTLY_CHANGED';

/** One line of a payout's audit trail: appended, never changed or removed. */
interface PayoutHistoryEntry {
  at: string;
  action: 'REQUESTED' | 'HELD' | 'APPROVED' | 'REJECTED' | 'SUBMITTED' | 'PROVIDER_STATUS';
  status: PayoutStatus;
  /** The person or app client that acted (REQUESTED, APPROVED, REJECTED). */
  by?: string;
  /** The provider's status and how we learnt it (webhook or poll). */
  providerStatus?: ProviderPayoutReport['status'];
  source?: 'webhook' | 'poll' | 'api';
  providerReference?: string;
  note?: string;
}

export interface Payout {
  payoutId: string;
  merchantId: string;
  customerId: string;
  amount: Money;
  destination: StoredPayoutDestination;
  reference: string;
  status: PayoutStatus;
  holds: PayoutHold[];
  /** Who asked for it: the token's subject. */
  requestedBy: string;
  approvedBy?: string;
  providerReference?: string;
  failureCode?: string;
  reason?: string;
  /** The customer's channels and addresses when it was asked for. */
  notification: NotificationChoice;
  /** The merchant's day (UTC) and currency whose limit it counts against. */
  limitKey: string;
  correlationId: string;
  history: PayoutHistoryEntry[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The limits a bank expects (README): in minor units of the payout's currency. */
export interface PayoutControls {
  /** Above this a second operator must approve. */
  approvalThreshold: number;
  /** What one merchant may pay out per UTC day and currency. */
  dailyLimit: number;
  /** A destination changed less than this long ago holds the payout. */
  reviewWindowHours: number;
}

const AccountNumberSchema = z
  .string()
  .transform((value) => value.replace(/[\s-]/g, '').toUpperCase())
  .pipe(
    z.string().regex(/^[A-Z0-9]{6,34}$/, {
      error: 'accountNumber must be 6 to 34 letters or digits (an IBAN or a local account number)',
    }),
  );

const PayoutDestinationSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('paypal'), email: EmailSchema }),
    z.strictObject({
      type: z.literal('bank_account'),
      accountNumber: AccountNumberSchema,
      bankCode: z
        .string()
        .regex(/^[A-Za-z0-9-]{4,11}$/, { error: 'bankCode must be 4 to 11 letters, digits or -' })
        .optional(),
      holderName: z.string().trim().min(1, { error: 'holderName must not be empty' }).max(140),
    }),
  ],
  { error: "destination.type must be 'paypal' or 'bank_account'" },
);

export const CreatePayoutBodySchema = z.strictObject({
  customerId: IdentifierSchema,
  amount: MoneySchema.refine((money) => money.amount > 0, {
    error: 'amount must be more than zero',
    path: ['amount'],
  }),
  destination: PayoutDestinationSchema,
  reference: z
    .string()
    .trim()
    .min(1, { error: 'reference must not be empty' })
    .max(140, { error: 'reference must be at most 140 characters' }),
});
export type CreatePayoutBody = z.output<typeof CreatePayoutBodySchema>;

export const PayoutDecisionBodySchema = z.strictObject({
  decision: z.enum(['approve', 'reject'], { error: "decision must be 'approve' or 'reject'" }),
  note: z.string().trim().min(1).max(1000).optional(),
});
export type PayoutDecisionBody = z.output<typeof PayoutDecisionBodySchema>;

/** What may be shown of a destination: `a***@example.com`, `****6789`. Never the account number. */
export function maskDestination(destination: PayoutDestinationInput): MaskedPayoutDestination {
  if (destination.type === 'paypal') {
    const [local = '', domain = ''] = destination.email.split('@');
    return { type: 'paypal', masked: `${local.slice(0, 1)}***@${domain}` };
  }
  return { type: 'bank_account', masked: `****${destination.accountNumber.slice(-4)}` };
}

/** The text a destination's keyed fingerprint is made of (the same account written differently is the same). */
export function destinationText(destination: PayoutDestinationInput): string {
  return destination.type === 'paypal'
    ? `paypal\n${destination.email.trim().toLowerCase()}`
    : `bank_account\n${destination.accountNumber}\n${destination.bankCode?.toUpperCase() ?? ''}`;
}

/** The payout id follows from the caller and its Idempotency-Key, so a retry after a crash finds the same payout. */
export function payoutIdFor(merchantId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`payout\n${merchantId}\n${idempotencyKey}`).digest('hex');
  return `po_${digest.slice(0, 32)}`;
}

/** The merchant's UTC day and currency the payout counts against. */
function limitKeyFor(merchantId: string, currency: string, now: Date): string {
  return `${merchantId}#${currency}#${now.toISOString().slice(0, 10)}`;
}

/**
 * The destination the payout goes to, and whether it replaces the customer's previous one (a change: held for
 * review, as is any payout within the review window after a change). A customer's first destination is no change.
 */
export function destinationChange(
  customer: Customer,
  destination: StoredPayoutDestination,
  now: Date,
  controls: PayoutControls,
): { changed: boolean; recentlyChanged: boolean } {
  const previous = customer.payoutDestination;
  const changed = previous !== undefined && previous.fingerprint !== destination.fingerprint;
  const changedAt = changed ? now.getTime() : Date.parse(customer.destinationChangedAt ?? '');
  const recentlyChanged =
    Number.isFinite(changedAt) && now.getTime() - changedAt < controls.reviewWindowHours * 3_600_000;
  return { changed, recentlyChanged };
}

export interface PayoutRequest {
  payoutId: string;
  body: CreatePayoutBody;
  customer: Customer;
  destination: StoredPayoutDestination;
  requestedBy: string;
  merchantId: string;
  correlationId: string;
}

/** The new payout: held when a bank's controls say so, otherwise released to the provider at once. */
export function requestedPayout(
  request: PayoutRequest,
  recentlyChanged: boolean,
  controls: PayoutControls,
  now: Date,
): Payout {
  const at = now.toISOString();
  const { body, customer } = request;
  const holds: PayoutHold[] = [];
  if (body.amount.amount > controls.approvalThreshold) holds.push('ABOVE_APPROVAL_THRESHOLD');
  if (recentlyChanged) holds.push('DESTINATION_RECENTLY_CHANGED');
  const status: PayoutStatus = holds.length > 0 ? 'AWAITING_APPROVAL' : 'SUBMITTING';
  const history: PayoutHistoryEntry[] = [
    { at, action: 'REQUESTED', status, by: request.requestedBy, source: 'api' },
  ];
  if (holds.length > 0) {
    history.push({ at, action: 'HELD', status, note: holdNote(holds, body.amount, controls) });
  }
  return {
    payoutId: request.payoutId,
    merchantId: request.merchantId,
    customerId: customer.customerId,
    amount: body.amount,
    destination: request.destination,
    reference: body.reference,
    status,
    holds,
    requestedBy: request.requestedBy,
    notification: {
      channels: customer.channels,
      ...(customer.email ? { email: customer.email } : {}),
      ...(customer.phone ? { phone: customer.phone } : {}),
    },
    limitKey: limitKeyFor(request.merchantId, body.amount.currency, now),
    correlationId: request.correlationId,
    history,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

function holdNote(holds: PayoutHold[], amount: Money, controls: PayoutControls): string {
  return holds
    .map((hold) =>
      hold === 'ABOVE_APPROVAL_THRESHOLD'
        ? `${formatMoney(amount)} is above the ${formatMoney({ amount: controls.approvalThreshold, currency: amount.currency })} a second operator must approve`
        : `the destination changed less than ${controls.reviewWindowHours} h ago; an operator must review it`,
    )
    .join('; ');
}

/** Why the limit refuses this payout, in words for the caller. */
export function limitRefusal(amount: Money, controls: PayoutControls): DomainError {
  return new DomainError(
    'Invalid',
    `The daily payout limit of ${formatMoney({ amount: controls.dailyLimit, currency: amount.currency })} would be exceeded by this ${formatMoney(amount)} payout; try a smaller amount or tomorrow (UTC)`,
  );
}

/** Who decides on a held payout: an operator, never the person who asked for it. */
export type ApprovalRefusal = 'not-an-operator' | 'requester' | undefined;

export function approvalRefusal(
  payout: Payout,
  approver: { subject: string; operator: boolean },
): ApprovalRefusal {
  if (!approver.operator) return 'not-an-operator';
  if (approver.subject === payout.requestedBy) return 'requester';
  return undefined;
}

function next(
  payout: Payout,
  now: Date,
  change: Partial<Payout>,
  entry: Omit<PayoutHistoryEntry, 'at' | 'status'>,
): Payout {
  const at = now.toISOString();
  const status = change.status ?? payout.status;
  return {
    ...payout,
    ...change,
    history: [...payout.history, { at, ...entry, status }],
    version: payout.version + 1,
    updatedAt: at,
  };
}

/** An operator's decision on a held payout: approved goes to the provider, rejected ends it. */
export function decidedPayout(payout: Payout, decision: PayoutDecisionBody, by: string, now: Date): Payout {
  if (payout.status !== 'AWAITING_APPROVAL') {
    throw new DomainError(
      'NotPayable',
      `Payout ${payout.payoutId} is ${payout.status}; only a payout AWAITING_APPROVAL can be approved or rejected`,
    );
  }
  const note = decision.note ? { note: decision.note } : {};
  if (decision.decision === 'reject') {
    return next(
      payout,
      now,
      { status: 'REJECTED', reason: decision.note ?? 'An operator rejected the payout.' },
      { action: 'REJECTED', by, source: 'api', ...note },
    );
  }
  return next(
    payout,
    now,
    { status: 'SUBMITTING', approvedBy: by },
    { action: 'APPROVED', by, source: 'api', ...note },
  );
}

/** Checks that a provider's report is about this payout as we sent it (reference, amount). */
export function reportMismatch(payout: Payout, report: ProviderPayoutReport): string | undefined {
  if (report.payoutId !== payout.payoutId) return 'another payout id';
  if (payout.providerReference && report.providerReference !== payout.providerReference)
    return 'another provider reference';
  if (report.amount.amount !== payout.amount.amount || report.amount.currency !== payout.amount.currency)
    return `${formatMoney(report.amount)} instead of ${formatMoney(payout.amount)}`;
  return undefined;
}

const terminal: readonly PayoutStatus[] = ['SUCCEEDED', 'FAILED', 'UNCLAIMED', 'REJECTED'];
export const isFinished = (status: PayoutStatus) => terminal.includes(status);

/**
 * The payout after the provider's report; undefined when the report changes nothing (a repeat, a replayed
 * webhook, a report about a payout already decided, still pending when it already was).
 */
export function reportedPayout(
  payout: Payout,
  report: ProviderPayoutReport,
  source: 'webhook' | 'poll' | 'api',
  now: Date,
): Payout | undefined {
  if (isFinished(payout.status) || payout.status === 'AWAITING_APPROVAL') return undefined;
  if (report.status === 'PENDING') {
    if (payout.status === 'PENDING') return undefined;
    return next(
      payout,
      now,
      { status: 'PENDING', providerReference: report.providerReference },
      { action: 'SUBMITTED', providerStatus: 'PENDING', source, providerReference: report.providerReference },
    );
  }
  return next(
    payout,
    now,
    {
      status: report.status,
      providerReference: report.providerReference,
      ...(report.code ? { failureCode: report.code } : {}),
      ...(report.status !== 'SUCCEEDED'
        ? { reason: report.reason ?? 'The provider did not pay the money out.' }
        : {}),
    },
    {
      action: 'PROVIDER_STATUS',
      providerStatus: report.status,
      source,
      providerReference: report.providerReference,
      ...(report.reason ? { note: `${report.code ?? ''} ${report.reason}`.trim() } : {}),
    },
  );
}

/** Failed, unclaimed and rejected payouts never left: their amount goes back under the day's limit. */
export const releasesLimit = (status: PayoutStatus) =>
  status === 'FAILED' || status === 'UNCLAIMED' || status === 'REJECTED';

export type PayoutOutboxEvent =
  | {
      detailType: 'PayoutRequested';
      id: string;
      occurredAt: string;
      correlationId: string;
      data: PayoutRequestedData;
    }
  | { detailType: 'PayoutSent'; id: string; occurredAt: string; correlationId: string; data: PayoutSentData }
  | {
      detailType: 'PayoutFailed';
      id: string;
      occurredAt: string;
      correlationId: string;
      data: PayoutFailedData;
    };

/** The event a change announces (none for steps the customer need not hear of); ids follow from the payout. */
export function payoutEvent(
  payout: Payout,
  previous: PayoutStatus | undefined,
): PayoutOutboxEvent | undefined {
  if (previous === payout.status) return undefined;
  const common = {
    payoutId: payout.payoutId,
    customerId: payout.customerId,
    merchantId: payout.merchantId,
    amount: payout.amount,
    destination: { type: payout.destination.type, masked: payout.destination.masked },
    reference: payout.reference,
    notification: payout.notification,
  };
  const envelope = (detailType: PayoutOutboxEvent['detailType']) => ({
    id: stableEventId(payout.payoutId, detailType),
    occurredAt: payout.updatedAt,
    correlationId: payout.correlationId,
  });
  if (previous === undefined && (payout.status === 'AWAITING_APPROVAL' || payout.status === 'SUBMITTING')) {
    return {
      detailType: 'PayoutRequested',
      ...envelope('PayoutRequested'),
      data: { ...common, status: payout.status, requestedBy: payout.requestedBy },
    };
  }
  if (payout.status === 'SUCCEEDED') {
    return {
      detailType: 'PayoutSent',
      ...envelope('PayoutSent'),
      data: { ...common, providerReference: payout.providerReference ?? payout.payoutId },
    };
  }
  if (payout.status === 'FAILED' || payout.status === 'UNCLAIMED' || payout.status === 'REJECTED') {
    return {
      detailType: 'PayoutFailed',
      ...envelope('PayoutFailed'),
      data: { ...common, status: payout.status, reason: payout.reason ?? 'The payout was not paid.' },
    };
  }
  return undefined;
}

export interface PayoutView extends Omit<Payout, 'destination' | 'limitKey' | 'correlationId' | 'version'> {
  destination: MaskedPayoutDestination;
}

/** What the API answers: the destination masked, with the whole audit trail; never the provider's token. */
export function payoutView(payout: Payout): PayoutView {
  const { destination, limitKey: _limit, correlationId: _correlation, version: _version, ...rest } = payout;
  return { ...rest, destination: { type: destination.type, masked: destination.masked } };
}

/** HTTP status of a payout request: 201 once the provider has it or it waits for approval, 202 while submitting. */
export function payoutHttpStatus(payout: Payout): number {
  return payout.status === 'SUBMITTING' ? 202 : 201;
}
