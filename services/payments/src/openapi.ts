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
import { CreateCustomerBodySchema, UpdateCustomerBodySchema } from './domain/customer';
import { CreatePayoutBodySchema, PayoutDecisionBodySchema, payoutStatuses } from './domain/payout';
import { PayoutWebhookSchema } from './domain/payout-webhook';
import { CreateSessionBodySchema } from './domain/session';
import { payInvoiceBodySchema, paySessionBodySchema, paymentStatuses } from './domain/payment';
import { OperatorRefundBodySchema } from './handlers/refundPaymentByOperator';

const Money = MoneySchema.meta({
  id: 'Money',
  description: 'An amount in minor units with its ISO 4217 currency',
});

const InvoiceSchema = z
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

const PaymentSchema = z
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

const SessionSchema = z
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

const CustomerSchema = z
  .object({
    customerId: z.string(),
    merchantId: z.string(),
    name: z.string(),
    email: z.string().optional(),
    phone: z.string().optional(),
    channels: z.array(z.enum(['email', 'sms'])),
    payoutDestination: z.object({ type: z.enum(['paypal', 'bank_account']), masked: z.string() }).optional(),
    destinationChangedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });

const PayoutSchema = z
  .object({
    payoutId: z.string(),
    merchantId: z.string(),
    customerId: z.string(),
    amount: Money,
    destination: z.object({ type: z.enum(['paypal', 'bank_account']), masked: z.string() }),
    reference: z.string(),
    status: z.enum(payoutStatuses),
    holds: z.array(z.enum(['ABOVE_APPROVAL_THRESHOLD', 'DESTINATION_RECENTLY_CHANGED'])),
    requestedBy: z.string(),
    approvedBy: z.string().optional(),
    providerReference: z.string().optional(),
    failureCode: z.string().optional(),
    reason: z.string().optional(),
    notification: z.object({
      channels: z.array(z.enum(['email', 'sms'])),
      email: z.string().optional(),
      phone: z.string().optional(),
    }),
    history: z.array(
      z.object({
        at: z.string(),
        action: z.enum(['REQUESTED', 'HELD', 'APPROVED', 'REJECTED', 'SUBMITTED', 'PROVIDER_STATUS']),
        status: z.enum(payoutStatuses),
        by: z.string().optional(),
        providerStatus: z.enum(['PENDING', 'SUCCEEDED', 'FAILED', 'UNCLAIMED']).optional(),
        source: z.enum(['webhook', 'poll', 'api']).optional(),
        providerReference: z.string().optional(),
        note: z.string().optional(),
      }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Payout' });

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
                'payments/customers': "Register and update the caller's customers",
              },
            },
          },
        },
        payLink: { type: 'apiKey', in: 'header', name: 'X-Pay-Link' },
        accessCode: { type: 'apiKey', in: 'header', name: 'X-Access-Code' },
        providerSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Payflow-Provider-Signature',
          description:
            't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> with the shared webhook secret',
        },
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
      '/customers': {
        post: {
          summary: "Register one of the caller's customers",
          security: [{ bearer: ['payments/customers'] }],
          requestBody: { content: { 'application/json': { schema: CreateCustomerBodySchema } } },
          responses: {
            '201': json(CustomerSchema, 'Registered'),
            '409': problem('A customer with this id already exists'),
            '422': problem('A field breaks a rule (each named in errors)'),
            ...guarded,
            ...common,
          },
        },
      },
      '/customers/{customerId}': {
        get: {
          summary: "The caller's customer (operators: any)",
          security: [{ bearer: ['payments/customers'] }, { bearer: ['payments/admin'] }],
          requestParams: { path: z.object({ customerId: IdentifierSchema }) },
          responses: {
            '200': json(CustomerSchema, 'The customer'),
            '404': problem("Unknown, or another merchant's customer"),
            ...guarded,
            ...common,
          },
        },
        patch: {
          summary: "Change a customer's contact details or channel preferences",
          security: [{ bearer: ['payments/customers'] }],
          requestParams: { path: z.object({ customerId: IdentifierSchema }) },
          requestBody: { content: { 'application/json': { schema: UpdateCustomerBodySchema } } },
          responses: {
            '200': json(CustomerSchema, 'The customer as changed'),
            '404': problem("Unknown, or another merchant's customer"),
            '409': problem('Changed by someone else meanwhile; read and retry'),
            '422': problem('A field breaks a rule, or a channel would be left without its address'),
            ...guarded,
            ...common,
          },
        },
      },
      '/customers/{customerId}/payouts': {
        get: {
          summary: "A customer's payouts, newest first",
          security: [{ bearer: ['payments/payouts'] }, { bearer: ['payments/admin'] }],
          requestParams: {
            path: z.object({ customerId: IdentifierSchema }),
            query: z.object({ limit: z.string().optional(), cursor: z.string().optional() }),
          },
          responses: {
            '200': json(
              z.object({
                customerId: z.string(),
                payouts: z.array(PayoutSchema),
                nextCursor: z.string().nullable(),
              }),
              'A page of payouts',
            ),
            '404': problem("Unknown, or another merchant's customer"),
            ...guarded,
            ...common,
          },
        },
      },
      '/payouts': {
        post: {
          summary: 'Pay a customer out (held above the approval threshold or after a destination change)',
          security: [{ bearer: ['payments/payouts'] }],
          requestParams: { header: idempotent },
          requestBody: { content: { 'application/json': { schema: CreatePayoutBodySchema } } },
          responses: {
            '201': json(PayoutSchema, 'With the provider (PENDING), or AWAITING_APPROVAL'),
            '202': json(PayoutSchema, 'Released, the provider not yet reached (the reconciler submits it)'),
            '404': problem("Unknown, or another merchant's customer"),
            '409': problem('The same key in flight, or the customer changed meanwhile'),
            '422': problem(
              'A field breaks a rule, the daily payout limit, or the key used for another request',
            ),
            ...guarded,
            ...common,
          },
        },
      },
      '/payouts/{payoutId}': {
        get: {
          summary: 'A payout with its audit trail',
          security: [{ bearer: ['payments/payouts'] }, { bearer: ['payments/admin'] }],
          requestParams: { path: z.object({ payoutId: IdentifierSchema }) },
          responses: {
            '200': json(PayoutSchema, 'The payout'),
            '404': problem("Unknown, or another merchant's payout"),
            ...guarded,
            ...common,
          },
        },
      },
      '/payouts/{payoutId}/approval': {
        post: {
          summary: 'Approve or reject a held payout (an operator other than its requester)',
          security: [{ bearer: ['payments/payouts'] }],
          requestParams: { path: z.object({ payoutId: IdentifierSchema }) },
          requestBody: { content: { 'application/json': { schema: PayoutDecisionBodySchema } } },
          responses: {
            '200': json(PayoutSchema, 'Decided (an approved payout is with the provider)'),
            '403': problem('Not an operator, or the operator who requested the payout'),
            '404': problem('Unknown payout'),
            '409': problem('Not AWAITING_APPROVAL (already decided)'),
            '422': problem('A field breaks a rule'),
            '401': problem('No valid bearer token'),
            ...common,
          },
        },
      },
      '/webhooks/payouts': {
        post: {
          summary: "The payouts provider's signed status reports",
          security: [{ providerSignature: [] }],
          requestBody: { content: { 'application/json': { schema: PayoutWebhookSchema } } },
          responses: {
            '200': json(
              z.object({ received: z.boolean(), duplicate: z.boolean(), status: z.enum(payoutStatuses) }),
              'Recorded, or a repeat that changed nothing',
            ),
            '401': problem('Unsigned, forged, or signed more than 5 minutes ago'),
            '404': problem('Unknown payout'),
            '413': problem('Body over 16 KB'),
            '422': problem('Not a payout report, or one that does not match the payout'),
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
