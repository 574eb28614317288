/**
 * Customers from bills files, through the whole local cloud: a file uploaded to billing-ingest's bucket names
 * customers (CustomerID, Email, Phone); billing-ingest states them on the bus (CustomerDetailsIngested) and payments'
 * own rule, queue and consumer create or update the merchant's customer. A replayed older statement never
 * overwrites a merchant's later PATCH, a duplicate changes nothing, and a bad e-mail row goes to the rejects file.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describeWithServices } from '@payflow/local-cloud/src/testing';
import { api, bearerOf, busEvents, documents, ENDPOINT, newKey, type BusEvent } from './local';

const BUCKET = 'payflow-billing-ingest-local-bills';
const CUSTOMERS_TABLE = 'payflow-payments-local-customers';
const QUEUE = 'payflow-payments-local-billed-customers';
const aws = {
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const s3 = new S3Client({
  ...aws,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const sqs = new SQSClient(aws);
const bus = new EventBridgeClient(aws);

const run = newKey().slice(0, 8);
const header = 'InvoiceID,CustomerName,Balance,IsProcessed,CustomerID,Email,Phone\n';

async function uploadBills(name: string, rows: string): Promise<string> {
  const key = `incoming/${run}-${name}.csv`;
  const body = header + rows;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/csv' }));
  return key;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const stored = async (customerId: string) =>
  (
    await documents.send(
      new GetCommand({ TableName: CUSTOMERS_TABLE, Key: { customerId }, ConsistentRead: true }),
    )
  ).Item;

/** The statements billing-ingest put on the bus for a customer (the local bus keeps what it delivered). */
const statementsOf = async (customerId: string) =>
  (await busEvents()).filter(
    (event) =>
      event['detail-type'] === 'CustomerDetailsIngested' && event.detail.data.customerId === customerId,
  );

/** Puts an event on the bus again exactly as it was first sent (an archive replay, a retried PutEvents). */
async function replay(event: BusEvent): Promise<void> {
  const out = await bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'payflow-local',
          Source: event.source,
          DetailType: event['detail-type'],
          Detail: JSON.stringify(event.detail),
        },
      ],
    }),
  );
  expect(out.FailedEntryCount).toBe(0);
}

/** Waits until payments' queue holds nothing, visible or in flight: every statement sent so far was handled. */
async function consumerIdle(): Promise<void> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
  let idleSince: number | undefined;
  await until('the billed customers queue to drain', async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    const depth =
      Number(Attributes?.ApproximateNumberOfMessages) +
      Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
    if (depth > 0) idleSince = undefined;
    else idleSince ??= Date.now();
    // Quiet for a while: the bus's delivery to the queue is itself asynchronous.
    return idleSince !== undefined && Date.now() - idleSince > 2_000 ? true : undefined;
  });
}

describeWithServices(['billing-ingest', 'payments'])('customers from bills files', () => {
  const ada = `CUST-${run}-ada`;
  const bob = `CUST-${run}-bob`;

  it('a file creates its customers, a second file updates them, and a bad e-mail row is rejected with its reason', async () => {
    const merchant = await bearerOf('tea-shop');
    const first = await uploadBills(
      'customers-1',
      `${run}-1,Ada,10.00,0,${ada},ada@example.com,+44 7700 900123\n` +
        `${run}-2,Bob,11.00,0,${bob},bob-at-example.com,\n` +
        `${run}-3,Cy,12.00,0,,cy-${run}@example.com,\n`,
    );
    const created = await until('Ada registered from the file', async () => {
      const response = await api('GET', `/customers/${ada}`, { headers: merchant });
      return response.status === 200 ? response.body : undefined;
    });
    expect(created).toMatchObject({
      customerId: ada,
      merchantId: 'tea-shop',
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+447700900123',
      channels: ['email', 'sms'],
    });

    const rejects = await until('the rejects file', async () => {
      try {
        const out = await s3.send(
          new GetObjectCommand({ Bucket: BUCKET, Key: first.replace('incoming/', 'rejects/') }),
        );
        return await out.Body!.transformToString();
      } catch {
        return undefined;
      }
    });
    expect(rejects).toContain('Email ""bob-at-example.com"" is not an e-mail address');
    await consumerIdle();
    expect((await api('GET', `/customers/${bob}`, { headers: merchant })).status).toBe(404);
    // Only the rows with their own CustomerID and an address were stated: Cy's row names no customer id.
    expect(
      (await busEvents()).filter(
        (e) => e['detail-type'] === 'CustomerDetailsIngested' && e.detail.data.fileKey === first,
      ),
    ).toHaveLength(1);

    await uploadBills('customers-2', `${run}-1,Ada Lovelace,10.00,0,${ada},ada@example.org,\n`);
    const updated = await until('Ada updated by the second file', async () => {
      const response = await api('GET', `/customers/${ada}`, { headers: merchant });
      return response.body.email === 'ada@example.org' ? response.body : undefined;
    });
    // The second file gave no phone: the one stored stays, and so do the channels.
    expect(updated).toMatchObject({
      name: 'Ada Lovelace',
      phone: '+447700900123',
      channels: ['email', 'sms'],
    });
  });

  it("a replayed older file never overwrites a merchant's later PATCH, and a duplicate changes nothing", async () => {
    const merchant = await bearerOf('tea-shop');
    const statements = await until('both files stated Ada', async () => {
      const found = await statementsOf(ada);
      return found.length >= 2 ? found : undefined;
    });
    const patched = await api('PATCH', `/customers/${ada}`, {
      body: { email: 'ada@merchant.example', channels: ['email'] },
      headers: merchant,
    });
    expect(patched.status).toBe(200);
    const afterPatch = await stored(ada);

    for (const statement of statements) await replay(statement);
    await consumerIdle();
    expect(await stored(ada)).toEqual(afterPatch);
    const read = await api('GET', `/customers/${ada}`, { headers: merchant });
    expect(read.body).toMatchObject({ email: 'ada@merchant.example', channels: ['email'] });
  });
});
