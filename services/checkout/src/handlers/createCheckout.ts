import {
  formatMoney,
  httpHandler,
  HttpProblem,
  idempotentRoute,
  readIdempotencyKey,
  requestFingerprint,
  UnprocessableError,
  type HttpResult,
  type IdempotentRequest,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import { priceOrder } from '../domain/catalogue';
import {
  CheckoutRequestSchema,
  orderEventIds,
  orderIdFor,
  type CheckoutRequest,
  type OrderInput,
} from '../domain/order';
import { checkoutPath } from '../domain/order-record';
import { paymentTimeouts } from '../domain/payment';
import { logger, services } from '../wiring';

interface StartInput {
  body: CheckoutRequest;
  correlationId: string;
}

/** The execution's input: the priced order, no card (AWS keeps execution input and history), and the payment's time. */
export function executionInput(order: OrderInput, correlationId: string, paymentTimeoutSeconds: number) {
  const timeouts = paymentTimeouts(paymentTimeoutSeconds);
  return {
    order,
    correlationId,
    payment: { sessionSeconds: timeouts.sessionSeconds, taskTimeoutSeconds: timeouts.taskSeconds },
  };
}

async function startCheckout({
  idempotencyKey,
  fingerprint,
  input,
}: IdempotentRequest<StartInput>): Promise<HttpResult> {
  const { workflow, catalogue, config } = services();
  const { body } = input;
  const priced = priceOrder(body.items, await catalogue.read(body.items.map((item) => item.sku)), body.total);
  if (!priced.ok && priced.problems) {
    throw new UnprocessableError('The order cannot be priced from the catalogue', priced.problems);
  }
  if (!priced.ok) {
    throw new HttpProblem(
      409,
      `The total shown (${formatMoney(priced.shown)}) is not the catalogue's total for these items (${formatMoney(priced.total)}); review the basket and order again`,
      [
        {
          path: 'body.total',
          message: `shown ${formatMoney(priced.shown)}, catalogue ${formatMoney(priced.total)}`,
        },
      ],
      'about:blank',
      { shownTotal: priced.shown, catalogueTotal: priced.total },
    );
  }
  const orderId = orderIdFor(idempotencyKey, fingerprint);
  const order: OrderInput = {
    orderId,
    createdAt: new Date().toISOString(),
    customer: body.customer,
    shippingAddress: body.shippingAddress,
    items: priced.lines,
    total: priced.total,
    eventIds: orderEventIds(orderId),
  };
  const { executionArn, alreadyStarted } = await workflow.start(
    orderId,
    executionInput(order, input.correlationId, config.paymentTimeoutSeconds),
  );
  logger.info('Checkout started', { orderId, executionArn, alreadyStarted, lines: order.items.length });
  return {
    statusCode: 202,
    headers: { location: checkoutPath(orderId) },
    body: {
      orderId,
      status: 'PENDING',
      items: order.items,
      total: order.total,
      executionArn,
      links: { self: checkoutPath(orderId) },
    },
  };
}

let route: ReturnType<typeof idempotentRoute<StartInput>> | undefined;

/** POST /checkouts: prices the order from the catalogue and starts its execution, whose first state records it. */
export const handler = httpHandler(
  { body: CheckoutRequestSchema, logger },
  async ({ body, headers, context, correlationId }) => {
    const idempotencyKey = readIdempotencyKey(headers);
    route ??= idempotentRoute(
      { scope: 'createCheckout', tableName: services().config.idempotencyTable, subject: 'checkout' },
      startCheckout,
    );
    return route(
      {
        idempotencyKey,
        fingerprint: await requestFingerprint('checkout', body),
        input: { body, correlationId },
      },
      context as Context,
    );
  },
);
