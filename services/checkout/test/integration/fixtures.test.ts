/**
 * Every fixture in events/checkout run through the function it is named after (`<fn>.json`, `<fn>-<case>.json`;
 * services/checkout/README.md), through the local cloud's Lambda Invoke API, with the outcome the README and the
 * state machine rely on. The fixtures' order id is replaced by one of this run's (the local cloud's tables outlive
 * one test), nothing else: the catalogue's prices, the address, the forged payment results are the fixtures' own.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { invokeFunction, serviceFixtures, type Invocation } from '@payflow/local-cloud/src/testing';
import { DEADLINE_PASSED_ERROR } from '../../src/domain/payment';
import { checkoutBody, documents, endpoint, readOrder, startCheckout, waitForSession } from './local';

const FIXTURE_ORDER = 'ord_3f1c0d9a2b7e4c5d6e7f8a9b';
const ORDERS_TABLE = 'payflow-checkout-local-orders';
const fixtures = serviceFixtures('checkout');

const newOrderId = () => `ord_${randomUUID().replace(/-/g, '').slice(0, 24)}`;

/** The fixture, with its order id replaced by `orderId` wherever it appears (paths and bodies included). */
function fixtureFor(name: string, orderId: string) {
  return JSON.parse(JSON.stringify(fixtures.get(name)).replaceAll(FIXTURE_ORDER, orderId));
}

function invoke(functionName: string, event: unknown): Promise<Invocation> {
  return invokeFunction(endpoint(), `payflow-checkout-local-${functionName}`, event);
}

/** An API Gateway (HTTP API v2) answer: its status and parsed JSON body. */
function httpAnswer(invocation: Invocation) {
  expect(invocation.functionError).toBeUndefined();
  return { statusCode: invocation.result.statusCode as number, body: JSON.parse(invocation.result.body) };
}

/** An order as RecordOrder writes it, before any stock is reserved: what the stock tasks need to exist. */
async function recordedOrder(): Promise<string> {
  const orderId = newOrderId();
  await documents().send(
    new PutCommand({
      TableName: ORDERS_TABLE,
      Item: { orderId, status: 'PENDING', createdAt: new Date().toISOString() },
    }),
  );
  return orderId;
}

const stockOfOrder = async (orderId: string) =>
  (
    await documents().send(
      new GetCommand({ TableName: ORDERS_TABLE, Key: { orderId }, ConsistentRead: true }),
    )
  ).Item?.stock as string | undefined;

describe('events/checkout fixtures, through the Lambda Invoke API', () => {
  let createdOrderId: string;

  const cases: Record<string, () => Promise<void>> = {
    'createCheckout.json': async () => {
      // Its Idempotency-Key is fixed: a second run (or a second invocation) replays the first answer.
      const first = httpAnswer(await invoke('createCheckout', fixtures.get('createCheckout.json')));
      expect(first.statusCode).toBe(202);
      expect(first.body).toMatchObject({ status: 'PENDING', total: { amount: 2500, currency: 'GBP' } });
      const again = httpAnswer(await invoke('createCheckout', fixtures.get('createCheckout.json')));
      expect(again).toEqual(first);
      createdOrderId = first.body.orderId;
      expect((await readOrder(createdOrderId)).orderId).toBe(createdOrderId);
    },
    'getCheckout.json': async () => {
      const unknown = httpAnswer(await invoke('getCheckout', fixtureFor('getCheckout.json', newOrderId())));
      expect(unknown.statusCode).toBe(404);
      expect(createdOrderId).toBeDefined();
      const known = httpAnswer(await invoke('getCheckout', fixtureFor('getCheckout.json', createdOrderId)));
      expect(known.statusCode).toBe(200);
      expect(known.body).toMatchObject({ orderId: createdOrderId, total: { amount: 2500, currency: 'GBP' } });
    },
    'validateOrder.json': async () => {
      const verdict = await invoke('validateOrder', fixtureFor('validateOrder.json', newOrderId()));
      expect(verdict).toEqual({ result: { valid: true, total: { amount: 2500, currency: 'GBP' } } });
    },
    'reserveStock.json': async () => {
      const orderId = await recordedOrder();
      const event = fixtureFor('reserveStock.json', orderId);
      expect(await invoke('reserveStock', event)).toEqual({ result: { reserved: true } });
      expect(await stockOfOrder(orderId)).toBe('RESERVED');
      // A retried task takes nothing more.
      expect(await invoke('reserveStock', event)).toEqual({ result: { reserved: true } });
    },
    'releaseStock.json': async () => {
      const orderId = await recordedOrder();
      expect(await invoke('reserveStock', fixtureFor('reserveStock.json', orderId))).toEqual({
        result: { reserved: true },
      });
      const event = fixtureFor('releaseStock.json', orderId);
      expect(await invoke('releaseStock', event)).toEqual({ result: { released: true } });
      expect(await stockOfOrder(orderId)).toBe('RELEASED');
      // Exactly once: a second release gives nothing back.
      expect(await invoke('releaseStock', event)).toEqual({ result: { released: false } });
    },
    'checkShipping.json': async () => {
      const quote = await invoke('checkShipping', fixtureFor('checkShipping.json', newOrderId()));
      expect(quote).toEqual({
        result: { available: true, carrier: expect.any(String), estimatedDays: expect.any(Number) },
      });
    },
    'requestPayment.json': async () => {
      // The fixture entered RequestPayment on 2026-11-21 with 900 s to pay: as it is, the deadline has passed,
      // which the state machine catches as a timeout.
      const stale = await invoke('requestPayment', fixtureFor('requestPayment.json', newOrderId()));
      expect(stale.functionError).toBeDefined();
      expect(stale.result).toMatchObject({ errorType: DEADLINE_PASSED_ERROR });
      // Entered now, for an order already waiting on its session, it hands the same session back (a retry).
      const started = await startCheckout(checkoutBody());
      const awaiting = await waitForSession(started.orderId);
      const retried = await invoke('requestPayment', {
        ...fixtureFor('requestPayment.json', started.orderId),
        paymentEnteredAt: new Date().toISOString(),
      });
      expect(retried).toEqual({ result: { sessionId: awaiting.payment.sessionId, reused: true } });
    },
    // Results payments never made: not believed, so no task is completed.
    ...Object.fromEntries(
      [
        ['succeeded', 'PaymentSucceeded', 'payments has no payment pay_fixture_0001'],
        ['failed', 'PaymentFailed', 'payments has no payment pay_fixture_0002'],
        ['expired', 'PaymentSessionExpired', 'payments has no session ps_fixture_0001'],
      ].map(([outcome, detailType, why]) => [
        `completePaymentTask-${outcome}.json`,
        async () => {
          const event = fixtureFor(`completePaymentTask-${outcome}.json`, newOrderId());
          const ignored = await invoke('completePaymentTask', event);
          expect(ignored.result).toMatchObject({ result: 'ignored', detailType, why });
        },
      ]),
    ),
  };

  it('has a case for every fixture in the folder', () => {
    expect(Object.keys(cases).sort()).toEqual([...fixtures.keys()]);
  });

  // In this order: getCheckout reads the order createCheckout made.
  it.each(Object.keys(cases))('%s', (name) => cases[name]!());
});
