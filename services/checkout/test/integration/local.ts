/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP answers and outbox entries are read as loose JSON in tests */
/** What the checkout integration tests share: the APIs, the local cloud's outboxes and the execution history. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { callApi, localToken, type ApiRequestOptions } from '@payflow/local-cloud/src/testing';
import { eventContracts } from '@payflow/shared';

export const CHECKOUT_API = 'http://localhost:3300';
export const PAYMENTS_API = 'http://localhost:3200';

export function endpoint(): string {
  const url = process.env.AWS_ENDPOINT_URL;
  if (!url)
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run the tests through jest (its globalSetup starts the local cloud)',
    );
  return url;
}

export type { ApiResponse } from '@payflow/local-cloud/src/testing';
export const call = callApi;

export const checkout = (method: string, path: string, options?: ApiRequestOptions) =>
  call(CHECKOUT_API, method, path, options);
/**
 * Payments as its rightful callers reach it: checkout's own client for sessions, an operator for payments;
 * a session's pay and look-up need only its id (the customer's capability).
 */
export const payments = async (method: string, path: string, options: ApiRequestOptions = {}) => {
  const client =
    method === 'POST' && path === '/payment-sessions'
      ? 'checkout'
      : /^\/payments\//.test(path)
        ? 'operator-console'
        : undefined;
  const authorization: Record<string, string> = client
    ? { authorization: `Bearer ${await localToken(endpoint(), client)}` }
    : {};
  return call(PAYMENTS_API, method, path, { ...options, headers: { ...authorization, ...options.headers } });
};

/** A unique customer per test, so the outbox and the bus can be searched by address. */
export function customer(channels: ('email' | 'sms')[] = ['email']) {
  const id = randomUUID().slice(0, 8);
  return { id: `cust-${id}`, email: `shopper-${id}@example.com`, channels };
}

export const LONDON = {
  name: 'Ada Lovelace',
  line1: "12 St James's Square",
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
/** The carrier simulator does not deliver to Antarctica (README). */
export const ANTARCTICA = {
  name: 'Station Chief',
  line1: 'McMurdo Station',
  city: 'Ross Island',
  postalCode: '9999',
  country: 'AQ',
};

/** 2 × Earl Grey (6.50) + 1 mug (12.00) = 25.00 GBP in the seeded catalogue. */
export function checkoutBody(overrides: Record<string, unknown> = {}) {
  return {
    customer: customer(),
    items: [
      { sku: 'TEA-EARLGREY-100G', quantity: 2 },
      { sku: 'MUG-STONEWARE', quantity: 1 },
    ],
    shippingAddress: LONDON,
    ...overrides,
  };
}

export const CATALOGUE_TABLE = 'payflow-checkout-local-catalogue';

/** The checkout tables through the document client (catalogue stock, orders). */
export const documents = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: endpoint(),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );

/** A SKU of this test's own in the seller's catalogue, so stock counts are not shared with other tests. */
export async function catalogueItem(available: number, unitPrice = { amount: 2000, currency: 'GBP' }) {
  const sku = `TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
  await documents().send(
    new PutCommand({
      TableName: CATALOGUE_TABLE,
      Item: { sku, name: `Test item ${sku}`, unitPrice, available },
    }),
  );
  return sku;
}

export async function stockOf(sku: string): Promise<number | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: CATALOGUE_TABLE, Key: { sku }, ConsistentRead: true }),
  );
  return Item?.available as number | undefined;
}

export const GOOD_CARD = {
  number: '4242 4242 4242 4242',
  expiryMonth: 12,
  expiryYear: 2030,
  cvv: '987',
  holderName: 'Ada Lovelace',
};
export const DECLINED_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0002' };

export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await read();
  }
  return last;
}

export const FINAL_STATUSES = [
  'CONFIRMED',
  'REJECTED',
  'CANCELLED',
  'PAYMENT_TIMED_OUT',
  'SHIPPING_UNAVAILABLE',
];

export async function startCheckout(body: unknown = checkoutBody(), key = randomUUID()) {
  const response = await checkout('POST', '/checkouts', { body, key });
  if (response.status !== 202)
    throw new Error(`POST /checkouts answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as {
    orderId: string;
    status: string;
    executionArn: string;
    total: { amount: number; currency: string };
  };
}

export const readOrder = async (orderId: string) => (await checkout('GET', `/checkouts/${orderId}`)).body;

export const waitForSession = (orderId: string) =>
  until(
    `the payment session of ${orderId}`,
    () => readOrder(orderId),
    (order) => Boolean(order.payment?.sessionId) || FINAL_STATUSES.includes(order.status),
  );

export const waitForFinal = (orderId: string, timeoutMs = 30_000) =>
  until(
    `a final status of ${orderId}`,
    () => readOrder(orderId),
    (order) => FINAL_STATUSES.includes(order.status),
    timeoutMs,
  );

export async function paySession(sessionId: string, card = GOOD_CARD, key = randomUUID()) {
  return payments('POST', `/payment-sessions/${sessionId}/pay`, { body: { card }, key });
}

export interface Email {
  to?: string[] | string;
  destination?: { to?: string[] };
  subject?: string;
  [key: string]: unknown;
}

export async function emailsTo(address: string): Promise<Record<string, any>[]> {
  const response = await fetch(`${endpoint()}/_local/emails?to=${encodeURIComponent(address)}`);
  return (await response.json()) as Record<string, any>[];
}

export interface BusEvent {
  'detail-type': string;
  source: string;
  detail: { id: string; correlationId: string; data: Record<string, any> };
}

export async function busEventsFor(orderId: string): Promise<BusEvent[]> {
  const all = (await (await fetch(`${endpoint()}/_local/events`)).json()) as BusEvent[];
  return all.filter((event) => event.detail?.data?.orderId === orderId);
}

const sfn = () =>
  new SFNClient({
    endpoint: endpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

export async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn().send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The names of the top-level states entered, in order: the path the execution took. */
export async function statesEntered(executionArn: string): Promise<string[]> {
  return (await history(executionArn))
    .filter((event) => event.type?.endsWith('StateEntered'))
    .map((event) => event.stateEnteredEventDetails?.name ?? '');
}

/** Every event checkout put on the bus for the order must match its contract in @payflow/shared. */
export function expectContractual(events: { 'detail-type': string; detail: unknown }[]) {
  for (const event of events) {
    const contract = eventContracts[event['detail-type'] as keyof typeof eventContracts];
    expect(contract).toBeDefined();
    const result = contract.detailSchema.safeParse(event.detail);
    if (!result.success)
      throw new Error(`${event['detail-type']} does not match its contract: ${result.error.message}`);
  }
}

/** Checkout's events for the order, once at least `count` are on the bus (the event follows the final status). */
export const checkoutEvents = (orderId: string, count = 1) =>
  until(
    `${count} checkout event(s) for ${orderId}`,
    async () => (await busEventsFor(orderId)).filter((event) => event.source === 'payflow.checkout'),
    (events) => events.length >= count,
  );

export async function emailsFor(address: string, count = 1) {
  return until(
    `${count} email(s) to ${address}`,
    () => emailsTo(address),
    (emails) => emails.length >= count,
    // Notification is shared with every other test running at the same time (bills files announce thousands
    // of invoices), so an email may wait its turn in the queue.
    180_000,
  );
}

export { sfn };
