import {
  CheckIfPhoneNumberIsOptedOutCommand,
  ListPhoneNumbersOptedOutCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { registerOutboxRoutes } from '../../../src/outbox';
import { startEdge, type Edge } from '../../../src/router';
import { startSes } from '../../../src/ses';
import { SnsEmulator, type SmsRecord } from '../../../src/sns';

let edge: Edge;
let client: SNSClient;

beforeAll(async () => {
  edge = await startEdge({ port: 0 });
  const sns = new SnsEmulator({ endpoint: edge.endpoint });
  const ses = await startSes({ port: 0 });
  edge.add(sns);
  edge.add(ses);
  registerOutboxRoutes(edge, { sns, ses });
  client = new SNSClient({
    endpoint: edge.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await edge.close();
});

const optOut = (phoneNumber: string) =>
  fetch(`${edge.endpoint}/_local/sms/opt-outs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber }),
  });

const sms = async (phoneNumber: string) =>
  (await (
    await fetch(`${edge.endpoint}/_local/sms?phoneNumber=${encodeURIComponent(phoneNumber)}`)
  ).json()) as SmsRecord[];

it('a number opted out through POST /_local/sms/opt-outs is reported by CheckIfPhoneNumberIsOptedOut and listed', async () => {
  expect((await optOut('+15550000001')).status).toBe(201);
  const opted = await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15550000001' }));
  expect(opted.isOptedOut).toBe(true);
  const other = await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15550000002' }));
  expect(other.isOptedOut).toBe(false);
  const listed = await client.send(new ListPhoneNumbersOptedOutCommand({}));
  expect(listed.phoneNumbers).toContain('+15550000001');
});

it('a publish to an opted-out number succeeds and texts nobody; OptInPhoneNumber brings it back', async () => {
  await optOut('+15550000003');
  const published = await client.send(new PublishCommand({ PhoneNumber: '+15550000003', Message: 'hello' }));
  expect(published.MessageId).toBeTruthy();
  expect(await sms('+15550000003')).toHaveLength(0);

  await client.send(new OptInPhoneNumberCommand({ phoneNumber: '+15550000003' }));
  expect(
    (await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '+15550000003' }))).isOptedOut,
  ).toBe(false);
  await client.send(new PublishCommand({ PhoneNumber: '+15550000003', Message: 'hello again' }));
  expect((await sms('+15550000003')).map((m) => m.message)).toEqual(['hello again']);
});

it('refuses a phone number that is not E.164', async () => {
  await expect(
    client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: '555-0100' })),
  ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  expect((await optOut('not a number')).status).toBe(400);
});
