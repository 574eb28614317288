/**
 * Customers over the running payments API: a merchant registers, reads and changes its own customers; bad input is
 * a 422 naming each field, a taken id 409, and another merchant or a stranger never sees or changes them. Every
 * change is announced on the bus exactly once, by the reconciler when the bus refused it at first.
 */
import {
  anonymous,
  api,
  bearerOf,
  injectFault,
  newKey,
  otherMerchant,
  reconcilerRunsFinish,
  waitForEvents,
  type BusEvent,
} from './local';

const customerBody = (extra: Record<string, unknown> = {}) => ({
  customerId: `cust-${newKey().slice(0, 8)}`,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+447700900123',
  channels: ['email'],
  ...extra,
});

describe('customers', () => {
  it('registers a customer for the calling merchant and reads it back', async () => {
    const merchant = await bearerOf('tea-shop');
    const body = customerBody({ channels: ['sms', 'email'] });
    const created = await api('POST', '/customers', { body, headers: merchant });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/customers/${body.customerId}`);
    expect(created.body).toMatchObject({
      customerId: body.customerId,
      merchantId: 'tea-shop',
      name: 'Ada Lovelace',
      channels: ['sms', 'email'],
    });
    const read = await api('GET', `/customers/${body.customerId}`, { headers: merchant });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('refuses invalid fields with 422 naming each of them', async () => {
    const response = await api('POST', '/customers', {
      body: { customerId: 'bad id!', name: '', email: 'not-an-email', phone: '0770', channels: ['fax'] },
      headers: await bearerOf('tea-shop'),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const paths = response.body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.customerId', 'body.name', 'body.email', 'body.phone', 'body.channels.0']),
    );
  });

  it('refuses sms without a phone number (422 on body.phone)', async () => {
    const response = await api('POST', '/customers', {
      body: customerBody({ phone: undefined, channels: ['sms'] }),
      headers: await bearerOf('tea-shop'),
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'body.phone' })]);
  });

  it('answers 409 for an id already taken and leaves the first customer as it was', async () => {
    const merchant = await bearerOf('tea-shop');
    const body = customerBody();
    expect((await api('POST', '/customers', { body, headers: merchant })).status).toBe(201);
    const again = await api('POST', '/customers', { body: { ...body, name: 'Mallory' }, headers: merchant });
    expect(again.status).toBe(409);
    const read = await api('GET', `/customers/${body.customerId}`, { headers: merchant });
    expect(read.body.name).toBe('Ada Lovelace');
  });

  it('changes contact details and channel preferences, checking the result as a whole', async () => {
    const merchant = await bearerOf('tea-shop');
    const body = customerBody();
    await api('POST', '/customers', { body, headers: merchant });
    const path = `/customers/${body.customerId}`;
    const changed = await api('PATCH', path, {
      body: { email: 'ada.lovelace@example.org', channels: ['sms'] },
      headers: merchant,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'ada.lovelace@example.org', channels: ['sms'] });
    const noPhone = await api('PATCH', path, { body: { phone: null }, headers: merchant });
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.errors).toEqual([expect.objectContaining({ path: 'body.phone' })]);
    const empty = await api('PATCH', path, { body: {}, headers: merchant });
    expect(empty.status).toBe(422);
    const unknownField = await api('PATCH', path, { body: { merchantId: 'checkout' }, headers: merchant });
    expect(unknownField.status).toBe(422);
    expect((await api('GET', path, { headers: merchant })).body).toMatchObject({
      merchantId: 'tea-shop',
      phone: '+447700900123',
      channels: ['sms'],
    });
  });

  it("answers another merchant's reads and changes as for a customer that does not exist", async () => {
    const body = customerBody();
    await api('POST', '/customers', { body, headers: await bearerOf('tea-shop') });
    const path = `/customers/${body.customerId}`;
    const other = await otherMerchant();
    const read = await api('GET', path, { headers: other });
    expect(read.status).toBe(404);
    const change = await api('PATCH', path, { body: { name: 'Mallory' }, headers: other });
    expect(change.status).toBe(404);
    expect(read.body.detail).toBe(`Customer ${body.customerId} was not found`);
    const operator = await api('GET', path, { headers: await bearerOf('operator-console') });
    expect(operator.status).toBe(200);
    expect(operator.body.name).toBe('Ada Lovelace');
  });

  it('refuses a stranger (401) and a token without the scope (403)', async () => {
    expect((await anonymous('POST', '/customers', { body: customerBody() })).status).toBe(401);
    expect((await anonymous('GET', '/customers/cust-1')).status).toBe(401);
    const narrow = await api('POST', '/customers', {
      body: customerBody(),
      headers: await bearerOf('tea-shop', 'payments/read'),
    });
    expect(narrow.status).toBe(403);
  });
});

describe('announcing a customer change (CustomerRegistered / CustomerUpdated)', () => {
  const announcements = (customerId: string) => (event: BusEvent) =>
    ['CustomerRegistered', 'CustomerUpdated'].includes(event['detail-type']) &&
    event.detail.data.customerId === customerId;

  /** The customer's announcements once `count` arrived, after the reconciler (every 3 s) ran past its 20 s wait. */
  async function announced(customerId: string, count: number): Promise<BusEvent[]> {
    await waitForEvents(announcements(customerId), count, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 21_000));
    await reconcilerRunsFinish(2);
    return waitForEvents(announcements(customerId), 99, 0);
  }

  const summary = (events: BusEvent[]) =>
    events.map((event) => [event['detail-type'], event.detail.data.version, event.detail.data.channels]);

  test.concurrent(
    'a registration the bus refused at first is announced by the reconciler, once',
    async () => {
      const merchant = await bearerOf('tea-shop');
      const body = customerBody({ channels: ['sms'] });
      await injectFault({
        service: 'events',
        operation: 'PutEvents',
        error: 'InternalException',
        status: 500,
        match: [body.customerId, 'CustomerRegistered'],
        count: 5, // more than the SDK's attempts: the request's announcement fails for good
      });
      const created = await api('POST', '/customers', { body, headers: merchant });
      expect(created.status).toBe(201);
      expect(summary(await announced(body.customerId, 1))).toEqual([['CustomerRegistered', 1, ['sms']]]);
    },
  );

  test.concurrent('a change the bus refused at first is announced as the version written, once', async () => {
    const merchant = await bearerOf('tea-shop');
    const body = customerBody();
    await api('POST', '/customers', { body, headers: merchant });
    await injectFault({
      service: 'events',
      operation: 'PutEvents',
      error: 'InternalException',
      status: 500,
      match: [body.customerId, 'CustomerUpdated'],
      count: 5,
    });
    const changed = await api('PATCH', `/customers/${body.customerId}`, {
      body: { channels: ['email', 'sms'] },
      headers: merchant,
    });
    expect(changed.status).toBe(200);
    expect(summary(await announced(body.customerId, 2))).toEqual([
      ['CustomerRegistered', 1, ['email']],
      ['CustomerUpdated', 2, ['email', 'sms']],
    ]);
  });

  test.concurrent('a change announced at once is not announced again', async () => {
    const merchant = await bearerOf('tea-shop');
    const body = customerBody();
    await api('POST', '/customers', { body, headers: merchant });
    expect(summary(await announced(body.customerId, 1))).toEqual([['CustomerRegistered', 1, ['email']]]);
  });
});
