import {
  ConflictError,
  fingerprintKey,
  httpHandler,
  idempotentRoute,
  readIdempotencyKey,
  requestFingerprint,
  type HttpResult,
  type IdempotentRequest,
  type Principal,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { createHmac } from 'node:crypto';
import type { Customer, StoredPayoutDestination } from '../domain/customer';
import {
  CreatePayoutBodySchema,
  destinationChange,
  destinationText,
  limitRefusal,
  maskDestination,
  payoutEvent,
  payoutHttpStatus,
  payoutIdFor,
  payoutView,
  requestedPayout,
  type CreatePayoutBody,
} from '../domain/payout';
import { publishOutbox, submitPayout } from '../domain/payout-flow';
import { authorize, customerFor } from '../guards';
import { logger, payoutDependencies, services } from '../wiring';

interface CreatePayoutInput {
  body: CreatePayoutBody;
  principal: Principal;
  correlationId: string;
}

/**
 * The destination as stored: the provider keeps the full one and gives a token; we keep its mask and a keyed
 * fingerprint (to tell a change), never the account number. The customer's current destination is reused as is.
 */
async function storedDestination(
  customer: Customer,
  body: CreatePayoutBody,
): Promise<StoredPayoutDestination> {
  const fingerprint = createHmac('sha256', await fingerprintKey())
    .update(`payout-destination\n${destinationText(body.destination)}`)
    .digest('base64url');
  if (customer.payoutDestination?.fingerprint === fingerprint) return customer.payoutDestination;
  const { recipientToken } = await payoutDependencies().provider.registerRecipient(body.destination);
  return { ...maskDestination(body.destination), recipientToken, fingerprint };
}

async function createPayout({
  idempotencyKey,
  input,
}: IdempotentRequest<CreatePayoutInput>): Promise<HttpResult> {
  const { body, principal, correlationId } = input;
  const { payouts, config } = services();
  const controls = config.payoutControls;
  const customer = await customerFor(principal, body.customerId);
  // Counted against the customer's merchant, whoever asks (an operator pays out on a merchant's behalf).
  const payoutId = payoutIdFor(customer.merchantId, idempotencyKey);
  const existing = await payouts.get(payoutId);
  if (existing) return { statusCode: payoutHttpStatus(existing.payout), body: payoutView(existing.payout) };
  if (body.amount.amount > controls.dailyLimit) throw limitRefusal(body.amount, controls);
  const now = new Date();
  const destination = await storedDestination(customer, body);
  const { changed, recentlyChanged } = destinationChange(customer, destination, now, controls);
  const payout = requestedPayout(
    {
      payoutId,
      body,
      customer,
      destination,
      requestedBy: principal.subject,
      merchantId: customer.merchantId,
      correlationId,
    },
    recentlyChanged,
    controls,
    now,
  );
  const newDestination = customer.payoutDestination?.fingerprint !== destination.fingerprint;
  const customerAfter: Customer | undefined = newDestination
    ? {
        ...customer,
        payoutDestination: destination,
        ...(changed ? { destinationChangedAt: now.toISOString() } : {}),
        version: customer.version + 1,
        updatedAt: now.toISOString(),
      }
    : undefined;
  const event = payoutEvent(payout, undefined)!;
  const refusal = await payouts.create(payout, event, controls.dailyLimit, customerAfter);
  if (refusal === 'over-limit') throw limitRefusal(body.amount, controls);
  if (refusal === 'customer-changed')
    throw new ConflictError(`Customer ${customer.customerId} was changed meanwhile; retry with the same key`);
  if (refusal === 'exists') {
    const first = (await payouts.get(payoutId))!.payout;
    return { statusCode: payoutHttpStatus(first), body: payoutView(first) };
  }
  logger.info('Payout requested', {
    payoutId,
    customerId: payout.customerId,
    merchantId: payout.merchantId,
    amount: payout.amount,
    destination: maskDestination(body.destination),
    status: payout.status,
    holds: payout.holds,
    requestedBy: payout.requestedBy,
    destinationChanged: changed,
  });
  const deps = payoutDependencies();
  await publishOutbox(payout, [event], deps);
  const submitted = await submitPayout(payout, deps);
  return {
    statusCode: payoutHttpStatus(submitted),
    headers: { location: `/payouts/${payoutId}` },
    body: payoutView(submitted),
  };
}

let route: ReturnType<typeof idempotentRoute<CreatePayoutInput>> | undefined;

/**
 * POST /payouts (scope payments/payouts, Idempotency-Key): pays one of the caller's customers out through the
 * payouts provider; above the approval threshold, or to a destination changed less than 24 h ago, it waits for a
 * second operator. The same key and body answer the first payout; the daily limit refuses with 422.
 */
export const handler = httpHandler(
  { body: CreatePayoutBodySchema, logger },
  async ({ body, headers, context, event, correlationId }) => {
    const principal = await authorize(headers, 'payments/payouts');
    const idempotencyKey = readIdempotencyKey(headers);
    route ??= idempotentRoute(
      { scope: 'createPayout', tableName: services().config.idempotencyTable, subject: 'payout' },
      createPayout,
    );
    // Keyed by the caller too: two merchants who happen to use the same key never share a payout.
    const fingerprint = await requestFingerprint(`payout:${principal.clientId}`, event.body);
    return route(
      {
        idempotencyKey: `${principal.clientId}:${idempotencyKey}`,
        fingerprint,
        input: { body, principal, correlationId },
      },
      context as Context,
    );
  },
);
