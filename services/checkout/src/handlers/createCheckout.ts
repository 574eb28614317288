import {
  httpHandler,
  idempotentRoute,
  readIdempotencyKey,
  requestFingerprint,
  UnprocessableError,
  withCorrelationId,
  type HttpResult,
  type IdempotentRequest,
} from '@payflow/shared';
import type { Context } from 'aws-lambda';
import {
  CheckoutRequestSchema,
  orderIdFor,
  orderInputFor,
  TotalError,
  type CheckoutRequest,
  type OrderInput,
} from '../domain/order';
import { checkoutPath } from '../domain/order-record';
import { paymentTimeouts } from '../domain/payment';
import { correlationIdOf, logger, services } from '../wiring';

interface StartInput {
  body: CheckoutRequest;
  correlationId: string;
}

/** The execution's input: the order, no card (AWS keeps execution input and history), and the payment deadlines. */
export function executionInput(order: OrderInput, correlationId: string, paymentTimeoutSeconds: number) {
  const timeouts = paymentTimeouts(paymentTimeoutSeconds);
  return {
    order,
    correlationId,
    payment: { sessionSeconds: timeouts.sessionSeconds, taskTimeoutSeconds: timeouts.taskSeconds },
  };
}

async function startCheckout({ idempotencyKey, input }: IdempotentRequest<StartInput>): Promise<HttpResult> {
  const { workflow, config } = services();
  const orderId = orderIdFor(idempotencyKey);
  let order: OrderInput;
  try {
    order = orderInputFor(input.body, orderId, new Date().toISOString());
  } catch (error) {
    if (error instanceof TotalError) {
      throw new UnprocessableError(error.message, [{ path: 'body.items', message: error.message }]);
    }
    throw error;
  }
  const { executionArn, alreadyStarted } = await workflow.start(
    orderId,
    executionInput(order, input.correlationId, config.paymentTimeoutSeconds),
  );
  logger.info('Checkout started', { orderId, executionArn, alreadyStarted, items: order.items.length });
  return {
    statusCode: 202,
    headers: { location: checkoutPath(orderId) },
    body: {
      orderId,
      status: 'PENDING',
      total: order.total,
      executionArn,
      links: { self: checkoutPath(orderId) },
    },
  };
}

let route: ReturnType<typeof idempotentRoute<StartInput>> | undefined;

/** POST /checkouts: records nothing itself; starts the order's execution, whose first state records it. */
export const handler = httpHandler(
  { body: CheckoutRequestSchema, logger },
  async ({ body, headers, context }) => {
    const correlationId = correlationIdOf(headers, context.awsRequestId);
    withCorrelationId(logger, correlationId);
    const idempotencyKey = readIdempotencyKey(headers);
    route ??= idempotentRoute(
      { scope: 'createCheckout', tableName: services().config.idempotencyTable, subject: 'checkout' },
      startCheckout,
    );
    return route(
      { idempotencyKey, fingerprint: requestFingerprint('checkout', body), input: { body, correlationId } },
      context as Context,
    );
  },
);
