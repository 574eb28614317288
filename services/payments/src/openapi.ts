/**
 * The payments API as an OpenAPI 3.1 document, generated (zod-openapi) from the zod schemas the handlers validate
 * requests with, plus the shapes they answer with; served at GET /openapi.json. Merchants generate clients from it.
 */
import {
  IdempotencyKeySchema,
  IdentifierSchema,
  MaskedCardSchema,
  MoneySchema,
  problemResponse,
} from '@payflow/shared';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import { CreateSessionBodySchema } from './domain/session';
import { payInvoiceBodySchema, paySessionBodySchema, paymentStatuses } from './domain/payment';
import { OperatorRefundBodySchema } from './handlers/refundPaymentByOperator';

const Money = MoneySchema.meta({
  id: 'Money',
  description: 'An amount in minor units with its ISO 4217 currency',
});

export const InvoiceSchema = z
  .object({
    invoiceId: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    balance: Money,
    billed: Money,
    paid: Money,
    status: z.enum(['DUE', 'PARTIALLY_PAID', 'PAID', 'SETTLED']),
    dueDate: z.string().nullable(),
  })
  .meta({ id: 'Invoice' });

export const PaymentSchema = z
  .object({
    paymentId: z.string(),
    status: z.enum(paymentStatuses),
    invoiceId: z.string().optional(),
    sessionId: z.string().optional(),
    orderId: z.string().optional(),
    customerId: z.string().optional(),
    amount: Money,
    card: MaskedCardSchema,
    reason: z.string().optional(),
    failCode: z.string().optional(),
    failReason: z.string().optional(),
    refundId: z.string().optional(),
    refundAmount: Money.optional(),
    refundedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Payment' });

export const SessionSchema = z
  .object({
    sessionId: z.string(),
    status: z.enum(['CREATED', 'PROCESSING', 'PAID', 'EXPIRED', 'DECLINED', 'CLOSED']),
    orderId: z.string(),
    merchantId: z.string().optional(),
    amount: Money,
    expiresAt: z.string(),
    paymentId: z.string().optional(),
    closedReason: z.string().optional(),
    payUrl: z.string(),
  })
  .meta({ id: 'PaymentSession' });

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const problem = problemResponse;

/** The answers every route may give besides its own. */
const common = {
  '400': problem('Malformed JSON, a bad path or query parameter, or a missing Idempotency-Key'),
  '500': problem('An unexpected error (logged)'),
};
const guarded = {
  '401': problem('No valid bearer token'),
  '403': problem("The token lacks the route's scope"),
};

const idempotent = z.object({ 'idempotency-key': IdempotencyKeySchema });
const payLink = z.object({
  'x-pay-link': z.string().optional().meta({ description: "The pay link's token from the reminder" }),
  'x-access-code': z.string().optional().meta({ description: 'The access code printed in the reminder' }),
});

/** Every route in serverless.yml, with who may call it (README's route table). */
export function paymentsOpenApi(serverUrl = 'http://localhost:3200') {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Payflow payments',
      version: '1.0.0',
      description:
        'Invoices (customers, with the pay link or access code from their reminder), payment sessions, payments ' +
        'and refunds (merchants, services and operators, with OAuth2 bearer tokens).',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'oauth2',
          description: 'Client credentials at the user pool token endpoint; scopes per route.',
          flows: {
            clientCredentials: {
              tokenUrl: '/oauth2/token',
              scopes: {
                'payments/read': "Read the caller's own sessions and payments",
                'payments/sessions': 'Create payment sessions',
                'payments/refund': 'Refund payments',
                'payments/admin': 'Read every payment and customer history',
                'payments/payouts': 'Pay customers out',
              },
            },
          },
        },
        payLink: { type: 'apiKey', in: 'header', name: 'X-Pay-Link' },
        accessCode: { type: 'apiKey', in: 'header', name: 'X-Access-Code' },
      },
    },
    paths: {
      '/invoices/{invoiceId}': {
        get: {
          summary: 'An invoice, for the customer holding its pay link or access code',
          security: [{ payLink: [] }, { accessCode: [] }],
          requestParams: { path: z.object({ invoiceId: IdentifierSchema }), header: payLink },
          responses: {
            '200': json(InvoiceSchema, 'The invoice'),
            '404': problem('Unknown invoice, or no valid pay link or access code (the same answer)'),
            '429': problem('Too many wrong access codes; see Retry-After'),
            ...common,
          },
        },
      },
      '/invoices/{invoiceId}/payments': {
        post: {
          summary: 'Pay all or part of an invoice by card',
          security: [{ payLink: [] }, { accessCode: [] }],
          requestParams: {
            path: z.object({ invoiceId: IdentifierSchema }),
            header: idempotent.extend(payLink.shape),
          },
          requestBody: { content: { 'application/json': { schema: payInvoiceBodySchema() } } },
          responses: {
            '201': json(PaymentSchema.extend({ invoice: InvoiceSchema.optional() }), 'Paid'),
            '202': json(
              PaymentSchema.extend({ invoice: InvoiceSchema.optional() }),
              'Pending at the bank, or being finished',
            ),
            '402': json(PaymentSchema.extend({ invoice: InvoiceSchema.optional() }), 'Declined'),
            '404': problem('Unknown invoice, or no valid pay link or access code'),
            '409': problem('The same key in flight, or an invoice settled with the biller'),
            '413': problem('Body over 64 KB'),
            '415': problem('Not JSON'),
            '422': problem('A field breaks a rule, or the key was used for another request'),
            '429': problem('Too many declines for this card or client; see Retry-After'),
            '502': problem('The bank did not answer; the hold is resolved by the reconciler'),
            ...common,
          },
        },
      },
      '/payments/{paymentId}': {
        get: {
          summary: "A payment: a merchant's or service's own, or any for operators",
          security: [{ bearer: ['payments/read'] }, { bearer: ['payments/admin'] }],
          requestParams: { path: z.object({ paymentId: IdentifierSchema }) },
          responses: {
            '200': json(PaymentSchema, 'The payment'),
            '404': problem("Unknown, or another merchant's payment"),
            ...guarded,
            ...common,
          },
        },
      },
      '/payments/{paymentId}/refunds': {
        post: {
          summary: 'Refund a payment, whole or in part (operators)',
          security: [{ bearer: ['payments/refund'] }],
          requestParams: { path: z.object({ paymentId: IdentifierSchema }), header: idempotent },
          requestBody: { content: { 'application/json': { schema: OperatorRefundBodySchema } } },
          responses: {
            '201': json(PaymentSchema, 'Refunded'),
            '404': problem('Unknown payment'),
            '409': problem('Cannot be refunded as asked (not succeeded, more than was paid)'),
            '422': problem('A field breaks a rule'),
            ...guarded,
            ...common,
          },
        },
      },
      '/customers/{customerId}/payments': {
        get: {
          summary: "A customer's payments, newest first (operators)",
          security: [{ bearer: ['payments/admin'] }],
          requestParams: {
            path: z.object({ customerId: IdentifierSchema }),
            query: z.object({ limit: z.string().optional(), cursor: z.string().optional() }),
          },
          responses: {
            '200': json(
              z.object({
                customerId: z.string(),
                payments: z.array(PaymentSchema),
                nextCursor: z.string().nullable(),
              }),
              'A page of payments',
            ),
            ...guarded,
            ...common,
          },
        },
      },
      '/payment-sessions': {
        post: {
          summary: 'Ask for a payment (merchants and Payflow services)',
          security: [{ bearer: ['payments/sessions'] }],
          requestParams: { header: z.object({ 'idempotency-key': IdempotencyKeySchema.optional() }) },
          requestBody: { content: { 'application/json': { schema: CreateSessionBodySchema } } },
          responses: {
            '200': json(SessionSchema, 'The session this key already made'),
            '201': json(SessionSchema, 'Created'),
            '422': problem('A field breaks a rule'),
            ...guarded,
            ...common,
          },
        },
      },
      '/payment-sessions/{sessionId}': {
        get: {
          summary: 'A payment session, for whoever holds its id',
          requestParams: { path: z.object({ sessionId: IdentifierSchema }) },
          responses: {
            '200': json(SessionSchema, 'The session'),
            '404': problem('Unknown session'),
            ...common,
          },
        },
      },
      '/payment-sessions/{sessionId}/pay': {
        post: {
          summary: 'Pay a session by card',
          requestParams: { path: z.object({ sessionId: IdentifierSchema }), header: idempotent },
          requestBody: { content: { 'application/json': { schema: paySessionBodySchema() } } },
          responses: {
            '201': json(PaymentSchema.extend({ session: SessionSchema }), 'Paid'),
            '202': json(PaymentSchema.extend({ session: SessionSchema }), 'Pending or being finished'),
            '402': json(PaymentSchema.extend({ session: SessionSchema }), 'Declined'),
            '404': problem('Unknown session'),
            '409': problem('Already paid, or a payment in progress'),
            '410': problem('Expired, declined or closed'),
            '422': problem('A field breaks a rule'),
            '429': problem('Too many declines; see Retry-After'),
            ...common,
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
