import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { registerOutboxRoutes, type OutboxEmail } from '../../../src/outbox';
import { startEdge, type Edge } from '../../../src/router';
import { startSes, type SesEmulator } from '../../../src/ses';
import { SnsEmulator } from '../../../src/sns';

const run = promisify(execFile);

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

beforeEach(async () => {
  expect((await fetch(`${edge.endpoint}/_local/emails`, { method: 'DELETE' })).status).toBe(204);
  edge.faults.clear();
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

const receipt = (to: string) =>
  new SendEmailCommand({
    FromEmailAddress: 'billing@payflow.example',
    Destination: { ToAddresses: [to], CcAddresses: ['audit@payflow.example'] },
    Content: {
      Simple: {
        Subject: { Data: 'Your receipt' },
        Body: { Text: { Data: 'Paid 12.50 EUR' }, Html: { Data: '<p>Paid 12.50 EUR</p>' } },
      },
    },
  });

async function emails(query = ''): Promise<OutboxEmail[]> {
  return (await (await fetch(`${edge.endpoint}/_local/emails${query}`)).json()) as OutboxEmail[];
}

it('sends an email with SES v2 and shows it, normalised, in GET /_local/emails', async () => {
  const { MessageId } = await client.send(receipt('ann@example.com'));
  await client.send(receipt('bob@example.com'));

  const all = await emails();
  expect(all).toHaveLength(2);
  expect(all[0]).toEqual({
    id: MessageId,
    from: 'billing@payflow.example',
    to: ['ann@example.com'],
    cc: ['audit@payflow.example'],
    bcc: [],
    replyTo: [],
    subject: 'Your receipt',
    text: 'Paid 12.50 EUR',
    html: '<p>Paid 12.50 EUR</p>',
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  expect((await emails('?to=bob@example.com')).map((e) => e.to)).toEqual([['bob@example.com']]);
});

it('fails exactly the next two SendEmail calls when a fault names TooManyRequestsException', async () => {
  const fault = await fetch(`${edge.endpoint}/_local/faults`, {
    method: 'POST',
    body: JSON.stringify({
      service: 'ses',
      operation: 'SendEmail',
      error: 'TooManyRequestsException',
      count: 2,
    }),
  });
  expect(fault.status).toBe(201);

  for (let i = 0; i < 2; i++) {
    const error = await client.send(receipt('ann@example.com')).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'TooManyRequestsException' });
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(429);
  }
  await expect(client.send(receipt('ann@example.com'))).resolves.toHaveProperty('MessageId');
  expect(await emails()).toHaveLength(1);
});

it('answers SES v2 validation errors as BadRequestException', async () => {
  const error = await client
    .send(new SendEmailCommand({ FromEmailAddress: 'a@example.com', Content: {} }))
    .catch((e: Error) => e);
  expect(error).toMatchObject({ name: 'BadRequestException' });
});

it('sends through SES v1 with the AWS CLI v2, and formats a v1 fault as query XML', async () => {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
  };
  const args = [
    'ses',
    'send-email',
    '--from',
    'billing@payflow.example',
    '--destination',
    'ToAddresses=carl@example.com',
    '--message',
    'Subject={Data=Hello},Body={Text={Data=Hi Carl}}',
    '--endpoint-url',
    edge.endpoint,
  ];
  const { stdout } = await run('/usr/bin/aws', args, { env });
  expect(JSON.parse(stdout)).toHaveProperty('MessageId');
  expect(await emails('?to=carl@example.com')).toEqual([
    expect.objectContaining({ subject: 'Hello', text: 'Hi Carl' }),
  ]);

  edge.faults.add({
    service: 'ses',
    operation: 'SendEmail',
    error: 'Throttling',
    count: 1,
    message: 'Maximum sending rate exceeded.',
  });
  const failure = await run('/usr/bin/aws', args, { env }).catch((e: { stderr: string }) => e);
  expect((failure as { stderr: string }).stderr).toContain('(Throttling)');
  expect((failure as { stderr: string }).stderr).toContain('Maximum sending rate exceeded.');
});

it('says which port is busy when aws-ses-v2-local cannot listen', async () => {
  await expect(startSes({ port: ses.port })).rejects.toThrow(`127.0.0.1:${ses.port}`);
});
