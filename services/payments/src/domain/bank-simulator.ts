import { currencyDecimals, normaliseCardNumber, type Money } from '@payflow/shared';
import type {
  BankDecisions,
  BankOutcome,
  BankProvider,
  ChargeRequest,
  RefundOutcome,
  RefundRequest,
} from './bank';

/** Test cards the simulator always declines, whatever the amount (listed in the README). */
export const DECLINING_TEST_CARDS: Readonly<
  Record<string, { code: 'CARD_DECLINED' | 'INSUFFICIENT_FUNDS'; reason: string }>
> = {
  '4000000000000002': { code: 'CARD_DECLINED', reason: 'The card was declined by its issuer.' },
  '4000000000009995': { code: 'INSUFFICIENT_FUNDS', reason: 'The card has insufficient funds.' },
  '4000000000000069': { code: 'CARD_DECLINED', reason: 'The issuer reports the card as expired.' },
  '4000000000000127': { code: 'CARD_DECLINED', reason: 'The issuer rejected the security code.' },
};

/** True when `money` is exactly `major` whole units of its currency (1.00 EUR, 1 JPY). */
function isMajorAmount(money: Money, major: number): boolean {
  return money.amount === major * 10 ** currencyDecimals(money.currency);
}

export interface BankSimulatorOptions {
  /** The provider credential; the simulator only checks that one was configured. */
  apiKey: string;
  /** What it decided per payment id, so a repeated charge or a look-up gets the first answer. */
  decisions?: BankDecisions;
  /** A pending charge is decided (accepted) this long after it was first asked for. */
  pendingSeconds?: number;
  now?: () => Date;
}

/** Decisions kept in memory: for unit tests and a single process. */
export function memoryDecisions(): BankDecisions {
  const decided = new Map<string, Awaited<ReturnType<BankDecisions['get']>>>();
  return {
    get: async (paymentId) => decided.get(paymentId),
    putFirst: async (paymentId, decision) => {
      const first = decided.get(paymentId) ?? decision;
      decided.set(paymentId, first);
      return first;
    },
    put: async (paymentId, decision) => {
      decided.set(paymentId, decision);
    },
  };
}

/**
 * The simulated bank of the payment-gateway write-up: 1.00 declined, 2.00 insufficient funds,
 * 24.00 pending the first time and accepted when asked again, anything else accepted. Refunds are always accepted.
 */
export function createBankSimulator({
  apiKey,
  decisions = memoryDecisions(),
  pendingSeconds = 60,
  now = () => new Date(),
}: BankSimulatorOptions): BankProvider {
  if (!apiKey)
    throw new Error('Bank simulator: no API key configured (BANK_API_KEY or BANK_API_KEY_PARAMETER)');

  /** The first answer for a payment id is the answer, however often it is asked. */
  async function decideOnce(
    paymentId: string,
    amount: Money,
    decide: () => BankOutcome,
  ): Promise<BankOutcome> {
    const first = await decisions.putFirst(paymentId, {
      outcome: decide(),
      amount,
      decidedAt: now().toISOString(),
    });
    return first.outcome;
  }

  return {
    charge: ({ paymentId, amount, card }: ChargeRequest) =>
      decideOnce(paymentId, amount, () => decideCharge(paymentId, amount, card.number)),
    async confirmPending({ providerReference }): Promise<BankOutcome> {
      return { status: 'ACCEPTED', providerReference };
    },
    async lookup(paymentId: string): Promise<BankOutcome | undefined> {
      const known = await decisions.get(paymentId);
      if (!known) return undefined;
      const waited = now().getTime() - Date.parse(known.decidedAt);
      if (known.outcome.status === 'PENDING' && waited >= pendingSeconds * 1000) {
        const accepted: BankOutcome = {
          status: 'ACCEPTED',
          providerReference: known.outcome.providerReference,
        };
        await decisions.put(paymentId, { ...known, outcome: accepted, decidedAt: now().toISOString() });
        return accepted;
      }
      return known.outcome;
    },
    async refund({ refundId }: RefundRequest): Promise<RefundOutcome> {
      // Derived from the refund id, so asking twice gets the same answer, as a real provider's idempotency key does.
      return { status: 'ACCEPTED', providerReference: `sim-${refundId}` };
    },
  };
}

/**
 * The simulated bank's rules: test cards decline whatever the amount; 1.00 declined, 2.00 insufficient funds,
 * 24.00 pending, anything else accepted.
 */
function decideCharge(paymentId: string, amount: Money, cardNumber: string): BankOutcome {
  const providerReference = `sim-${paymentId}`;
  const testCard = DECLINING_TEST_CARDS[normaliseCardNumber(cardNumber)];
  if (testCard) return { status: 'DECLINED', providerReference, ...testCard };
  if (isMajorAmount(amount, 1)) {
    return {
      status: 'DECLINED',
      providerReference,
      code: 'DECLINED',
      reason: 'The bank declined the payment.',
    };
  }
  if (isMajorAmount(amount, 2)) {
    return {
      status: 'DECLINED',
      providerReference,
      code: 'INSUFFICIENT_FUNDS',
      reason: 'The card has insufficient funds.',
    };
  }
  if (isMajorAmount(amount, 24)) return { status: 'PENDING', providerReference };
  return { status: 'ACCEPTED', providerReference };
}
