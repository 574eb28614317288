/**
 * A customer's stored channel preference, through the whole local cloud: a merchant registers and changes a
 * customer at payments (its API), payments announces the channels (CustomerRegistered / CustomerUpdated) and
 * notification keeps its own copy; an InvoiceDue that carries no choice but names the customer is then sent on the
 * customer's stored channels, exactly once, however often it is delivered.
 * PAYFLOW_TEST_SERVICES=payments,notification PAYFLOW_EDGE_PORT=4620 npx jest --selectProjects integration \
 *   --testPathPatterns services/notification/test/integration/stored-channels
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvoiceDue } from '@payflow/shared';
import { callApi, describeWithServices, localToken } from '@payflow/local-cloud/src/testing';
import { randomUUID } from 'node:crypto';
import {
  emailsTo,
  eventEntry,
  localEndpoint,
  putEvents,
  settled,
  smsTo,
  STAGE,
  uniqueEmail,
  uniquePhone,
  waitFor,
} from '../support/local-cloud';

const PAYMENTS_API = 'http://localhost:3200';
const CUSTOMERS_TABLE = `payflow-notification-${STAGE}-customers`;

const dynamodb = new DynamoDBClient({
  endpoint: localEndpoint(),
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** notification's copy of a customer's channels, at a version at least `version`. */
async function storedCopy(customerId: string, version: number) {
  return waitFor(
    `notification's copy of ${customerId} at version ${version}`,
    async () => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({
          TableName: CUSTOMERS_TABLE,
          Key: { customerId: { S: customerId } },
          ConsistentRead: true,
        }),
      );
      return Item && Number(Item.version?.N) >= version ? Item : undefined;
    },
    60_000,
  );
}

describeWithServices(['payments', 'notification'])("a customer's stored channels", () => {
  it('send an event that carries no choice on the channels the merchant stored, exactly once', async () => {
    const merchant = { authorization: `Bearer ${await localToken(localEndpoint(), 'tea-shop')}` };
    const customerId = `cust-${randomUUID().slice(0, 8)}`;
    const email = uniqueEmail('stored');
    const phone = uniquePhone();
    const created = await callApi(PAYMENTS_API, 'POST', '/customers', {
      body: { customerId, name: 'Ada Lovelace', email, phone, channels: ['email'] },
      headers: merchant,
    });
    expect(created.status).toBe(201);
    // The merchant changes the preference to both channels: the copy follows the newer version.
    const changed = await callApi(PAYMENTS_API, 'PATCH', `/customers/${customerId}`, {
      body: { channels: ['sms', 'email'] },
      headers: merchant,
    });
    expect(changed.status).toBe(200);
    const copy = await storedCopy(customerId, 2);
    expect(copy.channels?.L?.map((channel) => channel.S)).toEqual(['sms', 'email']);

    const due = eventEntry(InvoiceDue, {
      invoiceId: `INV-${randomUUID().slice(0, 6)}`,
      customerName: 'Ada Lovelace',
      balance: { amount: 4200, currency: 'EUR' },
      dueDate: '2026-12-31',
      customer: { id: customerId, merchantId: 'tea-shop' },
    });
    // Delivered twice (a retried PutEvents): still one message per channel.
    await putEvents([due.entry, due.entry]);
    await waitFor('the reminder e-mail', async () => (await emailsTo(email)).length > 0, 240_000);
    await waitFor('the reminder SMS', async () => (await smsTo(phone)).length > 0, 240_000);
    await settled();
    expect(await emailsTo(email)).toHaveLength(1);
    expect(await smsTo(phone)).toHaveLength(1);
    expect((await emailsTo(email))[0]!.text).toContain('42.00');
  });
});
