/** What the payments integration tests share: the local cloud's addresses, bills written with the SDK, the bus. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { BillItemSchema, billKey, payLinkToken, type BillItem } from '@payflow/shared';
import {
  callApi,
  ensureDeclaredTable,
  localToken,
  logLines,
  type ApiRequestOptions,
} from '@payflow/local-cloud/src/testing';

/** The jest globalSetup's local cloud (its edge port follows PAYFLOW_EDGE_PORT); the workers inherit its address. */
export const ENDPOINT = process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';
export const API = 'http://localhost:3200';
export const STAGE = 'local';
export const INVOICES_TABLE = `payflow-invoices-${STAGE}`;
export const PAYMENT_TABLES = ['payments', 'sessions', 'idempotency'].map(
  (name) => `payflow-payments-${STAGE}-${name}`,
);

export const dynamodb = new DynamoDBClient({
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
export const documents = DynamoDBDocumentClient.from(dynamodb);

/** billing-ingest owns the invoices table; when it is not in this run, make it as billing-ingest declares it. */
export async function ensureInvoicesTable(): Promise<void> {
  await ensureDeclaredTable(
    dynamodb,
    path.resolve(__dirname, '../../../billing-ingest'),
    'InvoicesTable',
    INVOICES_TABLE,
  );
}

export type Bill = BillItem;

/** A BILL item as billing-ingest writes it (checked against the invoices table's contract), with fresh ids. */
export async function seedBill(
  billedAmount = 10000,
  currency = 'EUR',
  extra: Partial<BillItem> = {},
): Promise<Bill> {
  const suffix = randomUUID().slice(0, 8);
  const bill = BillItemSchema.parse({
    ...billKey(`T-${suffix}`),
    customerId: `C-${suffix}`,
    customerName: 'Grace Hopper',
    billedAmount,
    currency,
    dueDate: '2026-12-31',
    email: 'grace@example.com',
    phone: '+447700900123',
    channels: ['email'],
    isProcessed: false,
    billDate: '2026-11-21',
    sourceFile: 'bills/test.csv',
    updatedAt: new Date().toISOString(),
    ...extra,
  });
  await documents.send(new PutCommand({ TableName: INVOICES_TABLE, Item: bill }));
  return bill;
}

export async function scanAll(tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export const CARD = {
  number: '4242 4242 4242 4242',
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '987',
  holderName: 'Grace Hopper',
};
/** A Visa number of its own (valid Luhn), so the declines counted against a card are one test's only. */
export function freshCard() {
  const digits = `4${Array.from({ length: 14 }, () => Math.floor(Math.random() * 10)).join('')}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return { ...CARD, number: `${digits}${(10 - (sum % 10)) % 10}` };
}

export const NOTIFY = { channels: ['email'], email: 'grace@example.com' };

export type { ApiResponse } from '@payflow/local-cloud/src/testing';

/** The local pay link key (serverless.yml, stage local): tests open invoices as their reminder would. */
export const LOCAL_PAY_LINK_KEY = 'local-pay-link-key';

/** What a reminder's pay link carries for an invoice. */
export function payLinkFor(invoiceId: string, validForMs = 3_600_000): string {
  return payLinkToken(invoiceId, new Date(Date.now() + validForMs), LOCAL_PAY_LINK_KEY);
}

/** A bearer token of one of the app clients payments accepts (the local issuer; README's client table). */
export const tokenOf = (
  clientId: 'checkout' | 'tea-shop' | 'operator-console' | 'second-operator',
  scope?: string,
) => localToken(ENDPOINT, clientId, scope);

/** `Authorization` for one of those clients. */
export const bearerOf = async (clientId: Parameters<typeof tokenOf>[0], scope?: string) => ({
  authorization: `Bearer ${await tokenOf(clientId, scope)}`,
});

/**
 * Another merchant: a token the issuer signs for an accepted app client (checkout) with the scopes a merchant has,
 * minted locally because checkout's own client may not ask for them.
 */
export async function otherMerchant(): Promise<Record<string, string>> {
  const response = await fetch(`${ENDPOINT}/_local/cognito/mint`, {
    method: 'POST',
    body: JSON.stringify({
      clientId: 'checkout',
      scope: 'payments/customers payments/payouts payments/read',
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return { authorization: `Bearer ${body.access_token}` };
}

/**
 * The credentials each route wants, as its rightful caller has them (README's route table): an invoice's pay link,
 * an operator's token to read payments and histories and to refund, a merchant's token to create sessions.
 */
async function rightfulCredentials(method: string, path: string): Promise<Record<string, string>> {
  const invoice = /^\/invoices\/([^/?]+)/.exec(path);
  if (invoice) return { 'x-pay-link': payLinkFor(decodeURIComponent(invoice[1]!)) };
  if (/^\/(payments|customers)\//.test(path))
    return { authorization: `Bearer ${await tokenOf('operator-console')}` };
  if (method === 'POST' && path === '/payment-sessions') {
    return { authorization: `Bearer ${await tokenOf('tea-shop')}` };
  }
  return {};
}

/** A call as the route's rightful caller makes it (see rightfulCredentials); headers given win. */
export const api = async (method: string, path: string, options: ApiRequestOptions = {}) =>
  callApi(API, method, path, {
    ...options,
    headers: { ...(await rightfulCredentials(method, path)), ...options.headers },
  });

/** A call with no credentials at all: what a stranger sends. */
export const anonymous = (method: string, path: string, options?: ApiRequestOptions) =>
  callApi(API, method, path, options);

/** Response bodies are checked by the tests' expectations, not by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const newKey = () => randomUUID();

export function payBody(amount: number, extra: Record<string, unknown> = {}) {
  return { amount: { amount, currency: 'EUR' }, card: CARD, notification: NOTIFY, ...extra };
}

export interface BusEvent {
  'detail-type': string;
  source: string;
  detail: { id: string; correlationId: string; data: Record<string, Json> };
}

export async function busEvents(): Promise<BusEvent[]> {
  return (await (await fetch(`${ENDPOINT}/_local/events`)).json()) as BusEvent[];
}

/** Polls the bus's audit log until `match` finds events (or the time is up). */
export async function waitForEvents(
  match: (event: BusEvent) => boolean,
  count = 1,
  timeoutMs = 15_000,
): Promise<BusEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await busEvents()).filter(match);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The fault switch: the next `count` calls of an operation whose request mentions every `match` text fail. */
export async function injectFault(fault: {
  service: string;
  operation: string;
  /** The error the call answers; with `delayMs` alone the call is only held that long, then served. */
  error?: string;
  delayMs?: number;
  match: string[];
  count?: number;
  status?: number;
}): Promise<void> {
  const response = await fetch(`${ENDPOINT}/_local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1, ...fault }),
  });
  if (response.status >= 300) throw new Error(`fault not set: ${response.status} ${await response.text()}`);
}

/** serverless-offline's line when a run of the reconciler has finished, with its request id. */
const RECONCILER_RUN = /\(λ: reconcilePayments\) RequestId: (\S+)/;

const reconcilerRunIds = async () =>
  new Set(
    (await logLines(ENDPOINT, ['(λ: reconcilePayments) RequestId'])).map(
      (line) => RECONCILER_RUN.exec(line)?.[1],
    ),
  );

/**
 * Waits until the reconciler (every 3 s in tests) has finished `runs` runs it had not finished when called:
 * whatever those runs would publish (an unsent outcome, a duplicate) has been published by then.
 */
export async function reconcilerRunsFinish(runs: number, timeoutMs = 60_000): Promise<void> {
  const before = await reconcilerRunIds();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const finished = [...(await reconcilerRunIds())].filter((id) => !before.has(id));
    if (finished.length >= runs) return;
    if (Date.now() > deadline)
      throw new Error(`The reconciler finished ${finished.length} of ${runs} runs within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
