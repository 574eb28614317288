import {
  DeleteSuppressedDestinationCommand,
  GetAccountCommand,
  GetSuppressedDestinationCommand,
  ListSuppressedDestinationsCommand,
  PutSuppressedDestinationCommand,
  SendBulkEmailCommand,
  SendEmailCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { registerOutboxRoutes, type OutboxEmail } from '../../../src/outbox';
import { startEdge, type Edge } from '../../../src/router';
import { startSes, type SesEmulator } from '../../../src/ses';
import { SnsEmulator } from '../../../src/sns';

let edge: Edge;
let ses: SesEmulator;
let client: SESv2Client;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  ses = await startSes({ port: 0 });
  edge.add(ses);
  registerOutboxRoutes(edge, { ses, sns: new SnsEmulator({ endpoint: edge.endpoint }) });
  client = new SESv2Client({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  await setQuota({ maxSendRate: 10_000, max24HourSend: -1 });
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

const setQuota = (quota: { maxSendRate?: number; max24HourSend?: number }) =>
  fetch(`${edge.endpoint}/_local/ses/quota`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(quota),
  });

const emailsTo = async (to: string) =>
  (await (
    await fetch(`${edge.endpoint}/_local/emails?to=${encodeURIComponent(to)}`)
  ).json()) as OutboxEmail[];

const email = (to: string) =>
  new SendEmailCommand({
    FromEmailAddress: 'billing@payflow.example',
    Destination: { ToAddresses: [to] },
    Content: { Simple: { Subject: { Data: 'Due' }, Body: { Text: { Data: 'Pay' } } } },
  });

it('GetAccount reports the configured send quota and what was sent', async () => {
  await setQuota({ maxSendRate: 14, max24HourSend: 50_000 });
  await client.send(email('quota-reader@example.com'));
  const { SendQuota, SendingEnabled } = await client.send(new GetAccountCommand({}));
  expect(SendingEnabled).toBe(true);
  expect(SendQuota).toMatchObject({ MaxSendRate: 14, Max24HourSend: 50_000 });
  expect(SendQuota!.SentLast24Hours).toBeGreaterThanOrEqual(1);
});

it('throttles beyond the maximum send rate as SES does, counting every recipient of a bulk send', async () => {
  await setQuota({ maxSendRate: 5 });
  await new Promise((resolve) => setTimeout(resolve, 1100)); // the earlier tests' sends leave the window
  await client.send(
    new SendBulkEmailCommand({
      FromEmailAddress: 'billing@payflow.example',
      DefaultContent: {
        Template: {
          TemplateContent: { Subject: '{{subject}}', Text: '{{text}}' },
          TemplateData: '{}',
        },
      },
      BulkEmailEntries: Array.from({ length: 4 }, (_, i) => ({
        Destination: { ToAddresses: [`bulk-${i}@example.com`] },
        ReplacementEmailContent: {
          ReplacementTemplate: {
            ReplacementTemplateData: JSON.stringify({ subject: `S${i}`, text: `T${i}` }),
          },
        },
      })),
    }),
  );
  await client.send(email('fifth@example.com'));
  await expect(client.send(email('sixth@example.com'))).rejects.toMatchObject({
    name: 'TooManyRequestsException',
    message: 'Maximum sending rate exceeded.',
    $metadata: { httpStatusCode: 429 },
  });
  expect(await emailsTo('sixth@example.com')).toHaveLength(0);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await client.send(email('sixth@example.com'));
  expect(await emailsTo('sixth@example.com')).toHaveLength(1);

  const stats = (await (await fetch(`${edge.endpoint}/_local/ses/quota`)).json()) as Record<string, number>;
  expect(stats).toMatchObject({
    maxSendRate: 5,
    throttledCalls: 1,
    throttledRecipients: 1,
    peakPerSecond: 5,
  });
});

it('keeps an account suppression list: Put, Get, List, Delete; a send to a suppressed address delivers nothing', async () => {
  await client.send(
    new PutSuppressedDestinationCommand({ EmailAddress: 'Bounced@Example.com', Reason: 'BOUNCE' }),
  );
  const { SuppressedDestination } = await client.send(
    new GetSuppressedDestinationCommand({ EmailAddress: 'bounced@example.com' }),
  );
  expect(SuppressedDestination).toMatchObject({ EmailAddress: 'bounced@example.com', Reason: 'BOUNCE' });
  expect(SuppressedDestination!.LastUpdateTime).toBeInstanceOf(Date);
  const listed = await client.send(new ListSuppressedDestinationsCommand({ Reasons: ['BOUNCE'] }));
  expect(listed.SuppressedDestinationSummaries?.map((s) => s.EmailAddress)).toContain('bounced@example.com');

  const sent = await client.send(email('bounced@example.com'));
  expect(sent.MessageId).toBeTruthy();
  expect(await emailsTo('bounced@example.com')).toHaveLength(0);

  await expect(
    client.send(new GetSuppressedDestinationCommand({ EmailAddress: 'fine@example.com' })),
  ).rejects.toMatchObject({ name: 'NotFoundException' });

  await client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: 'bounced@example.com' }));
  await client.send(email('bounced@example.com'));
  expect(await emailsTo('bounced@example.com')).toHaveLength(1);
});

it('seeds a suppression with POST /_local/ses/suppressions; a bulk entry to it succeeds and delivers nothing', async () => {
  const seeded = await fetch(`${edge.endpoint}/_local/ses/suppressions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ emailAddress: 'complainer@example.com', reason: 'COMPLAINT' }),
  });
  expect(seeded.status).toBe(201);
  const out = await client.send(
    new SendBulkEmailCommand({
      FromEmailAddress: 'billing@payflow.example',
      DefaultContent: { Template: { TemplateContent: { Subject: 'Due', Text: 'Pay' }, TemplateData: '{}' } },
      BulkEmailEntries: [
        { Destination: { ToAddresses: ['complainer@example.com'] } },
        { Destination: { ToAddresses: ['happy@example.com'] } },
      ],
    }),
  );
  expect(out.BulkEmailEntryResults?.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS']);
  expect(await emailsTo('complainer@example.com')).toHaveLength(0);
  expect(await emailsTo('happy@example.com')).toHaveLength(1);
});

it('counts what was delivered to an address (GET /_local/emails/delivered), suppressed sends not included', async () => {
  const delivered = async (to: string) =>
    (await (await fetch(`${edge.endpoint}/_local/emails/delivered?to=${encodeURIComponent(to)}`)).json()) as {
      count: number;
      firstAt?: number;
      lastAt?: number;
    };
  await client.send(email('counted@example.com'));
  await client.send(
    new SendBulkEmailCommand({
      FromEmailAddress: 'billing@payflow.example',
      DefaultContent: { Template: { TemplateContent: { Subject: 'Due', Text: 'Pay' }, TemplateData: '{}' } },
      BulkEmailEntries: [
        { Destination: { ToAddresses: ['complainer@example.com'] } },
        { Destination: { ToAddresses: ['Counted@Example.com'] } },
      ],
    }),
  );
  const counted = await delivered('counted@example.com');
  expect(counted.count).toBe(2);
  expect(counted.lastAt).toBeGreaterThanOrEqual(counted.firstAt!);
  expect((await delivered('complainer@example.com')).count).toBe(0);
  expect((await delivered('nobody@example.com')).count).toBe(0);
});
