/**
 * The checkout API as an OpenAPI 3.1 document, generated (zod-openapi) from the schemas the handlers validate with
 * and the shapes they answer with; served at GET /openapi.json.
 */
import { IdempotencyKeySchema, MoneySchema, problemResponse } from '@payflow/shared';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { CheckoutRequestSchema, OrderIdSchema, OrderLineSchema } from './domain/order';

const Money = MoneySchema.meta({ id: 'Money' });

const StartedCheckoutSchema = z
  .object({
    orderId: z.string(),
    status: z.literal('PENDING'),
    items: z.array(OrderLineSchema),
    total: Money,
    executionArn: z.string(),
    links: z.object({ self: z.string() }),
  })
  .meta({ id: 'StartedCheckout' });

const OrderSchema = z
  .object({
    orderId: z.string(),
    status: z.string(),
    paymentStatus: z.string(),
    shippingStatus: z.string(),
    total: Money.optional(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number() }).passthrough()),
    reason: z.string().optional(),
    payment: z
      .object({
        sessionId: z.string(),
        payUrl: z.string(),
        expiresAt: z.string(),
        paymentId: z.string().optional(),
      })
      .optional(),
    shipping: z.object({ carrier: z.string() }).optional(),
    history: z.array(z.object({ status: z.string(), at: z.string(), reason: z.string().optional() })),
    executionArn: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    links: z.object({ self: z.string(), pay: z.string().optional() }),
  })
  .meta({ id: 'Order' });

const problem = problemResponse;

export function checkoutOpenApi(serverUrl = 'http://localhost:3300') {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Payflow checkout',
      version: '1.0.0',
      description:
        'Orders priced from the seller catalogue, run by a state machine; pay them through their session.',
    },
    servers: [{ url: serverUrl }],
    paths: {
      '/checkouts': {
        post: {
          summary: 'Start an order (storefront visitors): SKUs and quantities; prices are the catalogue’s',
          requestParams: { header: z.object({ 'idempotency-key': IdempotencyKeySchema }) },
          requestBody: { content: { 'application/json': { schema: CheckoutRequestSchema } } },
          responses: {
            '202': {
              description: 'Started; follow links.self',
              content: { 'application/json': { schema: StartedCheckoutSchema } },
            },
            '400': problem('Malformed JSON or no Idempotency-Key'),
            '409': problem('Same key in flight, or the total shown is not the catalogue total (both given)'),
            '413': problem('Body over 64 KB'),
            '415': problem('Not JSON'),
            '422': problem(
              'A field breaks a rule: a price sent, an unknown SKU, two currencies, a key reused',
            ),
            '500': problem('An unexpected error (logged)'),
          },
        },
      },
      '/checkouts/{orderId}': {
        get: {
          summary: 'An order, for whoever holds its id',
          requestParams: { path: z.object({ orderId: OrderIdSchema }) },
          responses: {
            '200': { description: 'The order', content: { 'application/json': { schema: OrderSchema } } },
            '400': problem('Not an order id'),
            '404': problem('Unknown order'),
            '500': problem('An unexpected error (logged)'),
          },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
        },
      },
    },
  });
}
