import { httpHandler, NotFoundError } from '@payflow/shared';
import { z } from 'zod';
import { OrderIdSchema, type OrderInput } from '../domain/order';
import { orderView, startingView } from '../domain/order-record';
import { logger, services } from '../wiring';

/** GET /checkouts/{orderId}: the order's statuses, its payment session once it exists, and its history. */
export const handler = httpHandler(
  { path: z.strictObject({ orderId: OrderIdSchema }), logger },
  async ({ path }) => {
    const { orders, workflow } = services();
    const record = await orders.get(path.orderId);
    if (record) return orderView(record);
    // The execution records the order in its first state; until then the execution alone says it exists.
    const execution = await workflow.describe(path.orderId);
    if (execution) {
      const input = JSON.parse(execution.input) as { order?: OrderInput };
      return startingView(
        path.orderId,
        execution.executionArn,
        execution.startDate.toISOString(),
        input.order?.items ?? [],
      );
    }
    throw new NotFoundError(`No checkout ${path.orderId}: check the orderId returned by POST /checkouts`);
  },
);
