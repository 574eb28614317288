/**
 * The local console in headless Chromium against the emulators alone: state machines, queues, rules, emails and
 * text messages this test creates through the SDK, looked at the way a person would. Runs with the bus only:
 *   PAYFLOW_EDGE_PORT=5100 PAYFLOW_CONSOLE_PORT=5101 PAYFLOW_TEST_SERVICES=event-bus npx jest local-cloud/test/integration/console/console.test.ts
 * (under `npm start` it finds the console on :3000). Screenshots go to test-artifacts/console/.
 */
import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import {
  CONSOLE_URL,
  axeViolations,
  containsText,
  describeViolations,
  hasAttribute,
  hasClass,
  hasCount,
  hasText,
  isFocused,
  isVisible,
  lacksClass,
  lacksCount,
  lacksText,
  launch,
  openConsole,
  screenshot,
} from './browser';

const endpoint = process.env.AWS_ENDPOINT_URL!;
const config = {
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const sfn = new SFNClient(config);
const sqs = new SQSClient(config);
const eventBridge = new EventBridgeClient(config);
const run = randomUUID().slice(0, 6);
const BUS = 'payflow-local';
const CARD = '4242 4242 4242 4242';

/** A checkout in miniature: a Parallel validation, a task with Retry and Catch, a Choice on the payment. */
function definition(paymentsQueueUrl: string) {
  return JSON.stringify({
    StartAt: 'Validate',
    States: {
      Validate: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'CheckCard', States: { CheckCard: { Type: 'Pass', End: true } } },
          { StartAt: 'CheckStock', States: { CheckStock: { Type: 'Pass', End: true } } },
        ],
        ResultPath: null,
        Next: 'RequestPayment',
      },
      RequestPayment: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { 'QueueUrl.$': '$.paymentsQueueUrl', 'MessageBody.$': 'States.JsonToString($)' },
        ResultPath: null,
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotePaymentNotRequested' }],
        Next: 'PaymentOutcome',
      },
      PaymentOutcome: {
        Type: 'Choice',
        Choices: [{ Variable: '$.payment.status', StringEquals: 'SUCCEEDED', Next: 'ConfirmOrder' }],
        Default: 'CancelOrder',
      },
      ConfirmOrder: { Type: 'Pass', Next: 'OrderConfirmed' },
      OrderConfirmed: { Type: 'Succeed' },
      CancelOrder: { Type: 'Pass', Next: 'OrderCancelled' },
      OrderCancelled: { Type: 'Succeed' },
      NotePaymentNotRequested: {
        Type: 'Fail',
        Error: 'PaymentNotRequested',
        Cause: 'The payment could not be requested',
      },
    },
  }).replace('"paymentsQueueUrl"', JSON.stringify(paymentsQueueUrl));
}

let browser: Browser;
let page: Page | undefined;
let machineArn: string;
let queueUrl: string;
let dlqUrl: string;
const queueName = `console-${run}-payments`;
const dlqName = `${queueName}-dlq`;

async function startOrder(orderId: string, paymentStatus: string, paymentsQueueUrl = queueUrl) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machineArn,
      name: `${orderId}`,
      input: JSON.stringify({
        orderId,
        paymentsQueueUrl,
        card: { number: CARD },
        taskToken: 'eyJleGVjdXRpb25Bcm4iOiJhcm46YXdzOnN0YXRlcyJ9',
        payment: { status: paymentStatus },
      }),
    }),
  );
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return { executionArn: executionArn!, status };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  browser = await launch();
  dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName }))).QueueUrl!;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 1 }),
        },
      }),
    )
  ).QueueUrl!;
  machineArn = (
    await sfn.send(
      new CreateStateMachineCommand({
        name: `console-${run}-checkout`,
        definition: definition(queueUrl),
        roleArn: 'arn:aws:iam::000000000000:role/console-test',
      }),
    )
  ).stateMachineArn!;
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await page?.context().close();
  page = undefined;
});

async function openExecution(name: string) {
  page = await openConsole(browser, '#executions');
  await page.getByLabel('Search').fill(name);
  await page.getByRole('button', { name, exact: true }).click();
  await page.locator('#execution-graph svg').waitFor();
  return page;
}

const stateNode = (p: Page, state: string) => p.locator(`#execution-graph .node[data-state="${state}"]`);

describe('executions', () => {
  it('draws a paid order on its graph: the confirmed path in colour, inputs masked', async () => {
    const orderId = `ord-paid-${run}`;
    expect((await startOrder(orderId, 'SUCCEEDED')).status).toBe('SUCCEEDED');
    const p = await openExecution(orderId);

    for (const state of [
      'Validate',
      'CheckCard',
      'CheckStock',
      'RequestPayment',
      'PaymentOutcome',
      'ConfirmOrder',
      'OrderConfirmed',
    ])
      await hasClass(stateNode(p, state), /visited/);
    for (const state of ['CancelOrder', 'OrderCancelled', 'NotePaymentNotRequested'])
      await hasClass(stateNode(p, state), /unvisited/);
    expect(await p.locator('#execution-graph .edge.taken').count()).toBeGreaterThanOrEqual(9);
    await containsText(p.locator('#execution-facts'), 'PaymentOutcome (chose ConfirmOrder)');

    // Keyboard: a state is a focusable button; Enter shows its input, output and timings.
    await stateNode(p, 'RequestPayment').focus();
    await p.keyboard.press('Enter');
    const detail = p.locator('#state-detail');
    await isFocused(detail.getByRole('heading', { name: 'RequestPayment' }));
    await containsText(detail, 'Attempts');
    const input = await detail.locator('pre[data-field="input"]').textContent();
    expect(input).toContain('•••• 4242');
    expect(input).not.toContain(CARD);
    expect(input).toContain('task token');
    expect(input).not.toContain('eyJleGVjdXRpb25Bcm4i');
    await screenshot(p, 'execution-paid-confirmed-path');
  });

  it('shows a declined payment on the cancelled path and the Choice that decided it', async () => {
    const orderId = `ord-declined-${run}`;
    await startOrder(orderId, 'DECLINED');
    const p = await openExecution(orderId);
    for (const state of ['PaymentOutcome', 'CancelOrder', 'OrderCancelled'])
      await hasClass(stateNode(p, state), /visited/);
    await hasClass(stateNode(p, 'ConfirmOrder'), /unvisited/);
    await hasClass(stateNode(p, 'PaymentOutcome'), /decided/);
    await containsText(
      p.locator('#execution-facts'),
      'PaymentOutcome (no rule matched: otherwise CancelOrder)',
    );
    await screenshot(p, 'execution-declined-cancelled-path');
  });

  it('marks the state that failed, its retries, and where its error was caught', async () => {
    const orderId = `ord-broken-${run}`;
    const missing = `${endpoint}/000000000000/console-${run}-no-such-queue`;
    expect((await startOrder(orderId, 'SUCCEEDED', missing)).status).toBe('FAILED');
    const p = await openExecution(orderId);
    await hasClass(stateNode(p, 'RequestPayment'), /caught/);
    await hasClass(stateNode(p, 'NotePaymentNotRequested'), /failed/);
    await hasCount(p.locator('#execution-graph .edge.taken.caught'), 1);
    await p.getByRole('button', { name: /^RequestPayment, Task state/ }).click();
    const detail = p.locator('#state-detail');
    await containsText(detail, 'Retries1');
    await containsText(detail, 'failed, caught: on to NotePaymentNotRequested');
    await isVisible(detail.getByRole('heading', { name: /Error 2 of 2/ }));
    await screenshot(p, 'execution-caught-failure');
  });

  it('lists executions newest first, filterable, and adds a new one without a reload', async () => {
    page = await openConsole(browser, '#executions');
    await page.getByLabel('Search').fill(`-${run}`);
    await lacksCount(page.locator('#executions-rows tr'), 0);
    const before = await page.locator('#executions-rows tr').count();
    await startOrder(`ord-live-${run}`, 'SUCCEEDED');
    await hasCount(page.locator('#executions-rows tr'), before + 1, { timeout: 10_000 });
    await containsText(page.locator('#executions-rows tr').first(), `ord-live-${run}`);
    await page.getByLabel('Status').selectOption('FAILED');
    await hasCount(page.locator('#executions-rows tr'), 1);
  });
});

describe('events', () => {
  it('shows an event with the rules it matched and what each target did, filterable by source and text', async () => {
    const ruleName = `console-${run}-orders`;
    await eventBridge.send(
      new PutRuleCommand({
        Name: ruleName,
        EventBusName: BUS,
        EventPattern: JSON.stringify({ source: ['console.test'] }),
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: BUS,
        Targets: [
          { Id: 'payments-queue', Arn: Attributes!.QueueArn! },
          {
            Id: 'nowhere',
            Arn: `arn:aws:sqs:us-east-1:000000000000:console-${run}-gone`,
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        ],
      }),
    );
    page = await openConsole(browser, '#events');
    const orderId = `ord-event-${run}`;
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: 'console.test',
            DetailType: 'OrderConfirmed',
            Detail: JSON.stringify({
              id: randomUUID(),
              correlationId: `corr-${run}`,
              data: { orderId, card: CARD },
            }),
          },
        ],
      }),
    );
    await page
      .getByRole('tabpanel', { name: 'Events' })
      .getByLabel('Source')
      .selectOption('console.test', { timeout: 10_000 });
    await page.getByRole('tabpanel', { name: 'Events' }).getByLabel('Text').fill(orderId);
    const card = page.locator('#events-list > li');
    await hasCount(card, 1);
    await containsText(card, 'OrderConfirmed');
    await containsText(card.getByRole('list', { name: 'Rules matched' }), `rule ${ruleName}`);
    await containsText(card.getByRole('list', { name: 'Rules matched' }), 'payflow-local-audit');
    await containsText(card.locator('.target', { hasText: 'payments-queue' }), 'delivered');
    await containsText(card.locator('.target', { hasText: 'nowhere' }), 'failed', {
      timeout: 10_000,
    });
    await isVisible(card.getByRole('button', { name: `queue ${queueName}` }));
    await card.locator('summary').click();
    await containsText(card.locator('pre'), '•••• 4242');
    await screenshot(page, 'events-matched-rules-and-targets');
  });
});

describe('queues', () => {
  it('highlights a poison message in the DLQ, peeks it, and redrive empties the DLQ', async () => {
    const body = JSON.stringify({
      'detail-type': 'InvoiceDue',
      detail: { id: `poison-${run}`, data: { balance: '42.00' } },
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    // A consumer that fails: received once without being deleted, the second receive moves it to the DLQ.
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );

    page = await openConsole(browser, '#queues');
    const dlqRow = page.locator(`tr[data-queue="${dlqName}"]`);
    await hasClass(dlqRow, /dlq-alert/);
    await containsText(dlqRow, 'DLQ not empty');
    await lacksText(dlqRow.locator('[data-field="visible"]'), '0');
    await page.getByRole('button', { name: `Peek ${dlqName}` }).click();
    await containsText(page.locator('#queue-messages-list'), `poison-${run}`);
    await screenshot(page, 'queues-dlq-with-poison-message');

    await page.getByRole('button', { name: `Redrive ${dlqName}` }).click();
    await containsText(
      page.locator('#queues-message'),
      /\d+ message\(s\) moved back to console-\w+-payments\./,
    );
    await hasText(dlqRow.locator('[data-field="visible"]'), '0');
    await lacksClass(dlqRow, /dlq-alert/);
    await lacksText(page.locator(`tr[data-queue="${queueName}"] [data-field="visible"]`), '0');
  });

  it('purges a queue only after confirmation', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'to be purged' }));
    page = await openConsole(browser, '#queues');
    const row = page.locator(`tr[data-queue="${queueName}"] [data-field="visible"]`);
    await lacksText(row, '0');
    await page.getByRole('button', { name: `Purge ${queueName}`, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await lacksText(row, '0');
    await page.getByRole('button', { name: `Purge ${queueName}`, exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Purge' }).click();
    await containsText(page.locator('#queues-message'), `${queueName} purged`);
    await hasText(row, '0');
  });
});

describe('the console API', () => {
  it('refuses a redrive or purge without its header (no cross-site form can send it) and a purge unconfirmed', async () => {
    const base = CONSOLE_URL.replace(/\/console$/, '');
    const name = encodeURIComponent(queueName);
    const bare = await fetch(`${base}/console/api/queue/purge?name=${name}`, { method: 'POST', body: '{}' });
    expect(bare.status).toBe(403);
    const unconfirmed = await fetch(`${base}/console/api/queue/purge?name=${name}`, {
      method: 'POST',
      headers: { 'x-payflow-console': '1' },
      body: JSON.stringify({ confirm: 'another-queue' }),
    });
    expect(unconfirmed.status).toBe(400);
    expect(((await unconfirmed.json()) as { message: string }).message).toContain(
      `{"confirm":"${queueName}"}`,
    );
    const missing = await fetch(`${base}/console/api/queue/messages?name=no-such-queue-${run}`);
    expect(missing.status).toBe(404);
  });
});

describe('outbox', () => {
  it('finds a receipt email by recipient and renders it sandboxed; an SMS with segments and encoding', async () => {
    const to = `receipt-${run}@example.com`;
    await new SESv2Client(config).send(
      new SendEmailCommand({
        FromEmailAddress: 'payments@payflow.example',
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: `Receipt for order ord-${run}` },
            Body: {
              Html: {
                Data: `<h1>Thank you</h1><p>We received <strong>25.00 GBP</strong> for order ord-${run}.</p>`,
              },
              Text: { Data: `We received 25.00 GBP for order ord-${run}.` },
            },
          },
        },
      }),
    );
    const phone = `+4477009${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}`;
    await new SNSClient(config).send(
      new PublishCommand({ PhoneNumber: phone, Message: `Paid ✓ ord-${run}` }),
    );

    page = await openConsole(browser, '#outbox');
    await page.getByLabel('Recipient').fill(to);
    const email = page.locator('#outbox-emails > li');
    await hasCount(email, 1);
    await hasText(email.getByRole('heading'), `Receipt for order ord-${run}`);
    const frame = email.locator('iframe');
    await hasAttribute(frame, 'sandbox', '');
    await isVisible(page.frameLocator('#outbox-emails iframe').getByRole('heading', { name: 'Thank you' }));
    await screenshot(page, 'outbox-receipt-email');

    await page.getByLabel('Recipient').fill(phone);
    await containsText(page.locator('#outbox-sms > li'), '1 segment · UCS-2');
  });
});

describe('accessibility', () => {
  it.each(['executions', 'events', 'queues', 'outbox', 'logs'])(
    'the %s tab passes axe (WCAG 2.1 A/AA)',
    async (tab) => {
      page = await openConsole(browser, `#${tab}`);
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(describeViolations(await axeViolations(page))).toEqual([]);
    },
  );

  it('an execution graph passes axe, and the tabs follow the arrow keys', async () => {
    const p = await openExecution(`ord-paid-${run}`);
    await p.getByRole('button', { name: /^RequestPayment, Task state/ }).click();
    expect(describeViolations(await axeViolations(p))).toEqual([]);
    await p.getByRole('tab', { name: 'Executions' }).focus();
    await p.keyboard.press('ArrowRight');
    await isFocused(p.getByRole('tab', { name: 'Events' }));
    await hasAttribute(p.getByRole('tab', { name: 'Events' }), 'aria-selected', 'true');
    await isVisible(p.getByRole('tabpanel', { name: 'Events' }));
  });
});
