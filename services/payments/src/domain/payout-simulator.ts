import { currencyDecimals, type Money } from '@payflow/shared';
import { randomUUID } from 'node:crypto';
import type {
  PayoutDestinationInput,
  PayoutProvider,
  ProviderPayoutReport,
  ProviderPayoutStatus,
  SubmitPayoutRequest,
} from './payout-provider';

/** What the simulated provider keeps (a real one keeps its own): recipients by token, payouts by our id. */
export interface PayoutProviderRecords {
  getRecipient(token: string): Promise<PayoutDestinationInput | undefined>;
  putRecipient(token: string, destination: PayoutDestinationInput): Promise<void>;
  getPayout(payoutId: string): Promise<SimulatedPayout | undefined>;
  /** Keeps the first record for a payout id and returns it (`first`: this one was kept, not an earlier one). */
  putFirstPayout(record: SimulatedPayout): Promise<{ record: SimulatedPayout; first: boolean }>;
  putPayout(record: SimulatedPayout): Promise<void>;
}

export interface SimulatedPayout {
  report: ProviderPayoutReport;
  /** What it will become, and when; whether its webhook is sent. */
  outcome: { status: Exclude<ProviderPayoutStatus, 'PENDING'>; code?: string; reason?: string };
  decideAt: string;
  sendsWebhook: boolean;
}

export interface PayoutSimulatorOptions {
  records: PayoutProviderRecords;
  /** Delivers the payout's webhook once it is decided (a delayed queue message locally). */
  scheduleWebhook(payoutId: string, delaySeconds: number): Promise<void>;
  /** How long a payout stays PENDING. */
  delaySeconds: number;
  now?: () => Date;
}

/** True when `money` is exactly `major` whole units of its currency. */
function isMajorAmount(money: Money, major: number): boolean {
  return money.amount === major * 10 ** currencyDecimals(money.currency);
}

/**
 * The outcome rules of the simulated provider (README): 3.00 fails (account locked), 4.00 is never claimed, 5.00
 * succeeds but its webhook is lost (only asking finds out), a bank account ending 0000 does not exist, anything
 * else is paid.
 */
export function simulatedOutcome(
  amount: Money,
  destination: PayoutDestinationInput | undefined,
): Pick<SimulatedPayout, 'outcome' | 'sendsWebhook'> {
  if (destination?.type === 'bank_account' && destination.accountNumber.endsWith('0000')) {
    return {
      outcome: {
        status: 'FAILED',
        code: 'INVALID_ACCOUNT',
        reason: 'The receiving bank has no account with this number; nothing was paid.',
      },
      sendsWebhook: true,
    };
  }
  if (isMajorAmount(amount, 3)) {
    return {
      outcome: {
        status: 'FAILED',
        code: 'RECEIVER_ACCOUNT_LOCKED',
        reason: "The recipient's account is locked; nothing was paid.",
      },
      sendsWebhook: true,
    };
  }
  if (isMajorAmount(amount, 4)) {
    return {
      outcome: {
        status: 'UNCLAIMED',
        code: 'RECEIVER_UNREGISTERED',
        reason: 'Nobody claimed the money (no account holds this destination); it was returned.',
      },
      sendsWebhook: true,
    };
  }
  return { outcome: { status: 'SUCCEEDED' }, sendsWebhook: !isMajorAmount(amount, 5) };
}

/** A payouts provider as real ones behave: PENDING first, decided after a delay, reported by webhook and look-up. */
export function createPayoutSimulator({
  records,
  scheduleWebhook,
  delaySeconds,
  now = () => new Date(),
}: PayoutSimulatorOptions): PayoutProvider {
  return {
    async registerRecipient(destination) {
      const recipientToken = `rcp_${randomUUID().replace(/-/g, '')}`;
      await records.putRecipient(recipientToken, destination);
      return { recipientToken };
    },

    async submit({ payoutId, amount, recipientToken }: SubmitPayoutRequest) {
      const destination = await records.getRecipient(recipientToken);
      const at = now();
      const { record, first } = await records.putFirstPayout({
        report: {
          payoutId,
          providerReference: `simpo_${payoutId}`,
          status: 'PENDING',
          amount,
          at: at.toISOString(),
        },
        ...simulatedOutcome(amount, destination),
        decideAt: new Date(at.getTime() + delaySeconds * 1000).toISOString(),
      });
      if (first && record.sendsWebhook) {
        await scheduleWebhook(payoutId, delaySeconds);
      }
      return record.report;
    },

    async lookup(payoutId) {
      const record = await records.getPayout(payoutId);
      if (!record) return undefined;
      if (record.report.status !== 'PENDING' || now().getTime() < Date.parse(record.decideAt))
        return record.report;
      const decided: ProviderPayoutReport = {
        ...record.report,
        status: record.outcome.status,
        ...(record.outcome.code ? { code: record.outcome.code } : {}),
        ...(record.outcome.reason ? { reason: record.outcome.reason } : {}),
        at: record.decideAt,
      };
      await records.putPayout({ ...record, report: decided });
      return decided;
    },
  };
}
