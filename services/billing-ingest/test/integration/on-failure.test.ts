/*
 * A bills-file event the function fails on every time is not lost: after Lambda's three attempts (the first and
 * its two retries, serverless.yml's maximumRetryAttempts) it lands in the on-failure queue with the S3 event, so
 * it can be replayed. The files table refuses its claim (an injected AccessDeniedException on that file's PutItem),
 * as when the table is unreachable: the function throws before it counts an attempt of its own.
 */
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { assertLocalCloud, ENDPOINT, fileRecord, runId, sleep, upload } from './local-cloud';

const sqs = new SQSClient({
  endpoint: ENDPOINT,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const key = `incoming/${runId}/on-failure/bills-2026-11-25.csv`;

let failuresQueue: string;
beforeAll(async () => {
  await assertLocalCloud();
  const out = await sqs.send(
    new GetQueueUrlCommand({ QueueName: 'payflow-billing-ingest-local-ingest-failures-dlq' }),
  );
  failuresQueue = out.QueueUrl!;
});

interface InvocationRecord {
  requestContext: { condition: string; approximateInvokeCount: number; functionArn: string };
  requestPayload: { Records: Array<{ s3: { object: { key: string; eTag: string } } }> };
  responseContext: { functionError?: string };
  responsePayload: { errorType?: string; errorMessage?: string };
}

/** The invocation record about this test's file, once it is in the on-failure queue (deleted as it is read). */
async function failureRecordFor(fileKey: string, timeoutMs: number): Promise<InvocationRecord | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: failuresQueue, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const message of out.Messages ?? []) {
      const record = JSON.parse(message.Body!) as InvocationRecord;
      if (record.requestPayload?.Records?.[0]?.s3.object.key !== fileKey) continue;
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: failuresQueue, ReceiptHandle: message.ReceiptHandle! }),
      );
      return record;
    }
  }
  return undefined;
}

it('a bills-file event the function fails on three times ends in the on-failure queue, with the S3 event', async () => {
  // Exactly three failures: a fourth attempt would claim the file and ingest it.
  const response = await fetch(`${ENDPOINT}/_local/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      service: 'dynamodb',
      operation: 'PutItem',
      error: 'AccessDeniedException',
      status: 400,
      count: 3,
      match: [key],
    }),
  });
  expect(response.status).toBe(201);

  const etag = await upload(key, 'InvoiceID,CustomerName,Balance,IsProcessed\nof-1,Ada,12.50,0\n');

  // Retries 1 s and 2 s apart in the tests (PAYFLOW_ASYNC_RETRY_DELAY_MS), a minute and two on AWS.
  const record = await failureRecordFor(key, 60_000);
  expect(record).toMatchObject({
    requestContext: {
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      functionArn: expect.stringContaining(':function:payflow-billing-ingest-local-ingestBillsFile'),
    },
    requestPayload: { Records: [{ s3: { object: { key, eTag: expect.stringContaining(etag) } } }] },
    responseContext: { functionError: 'Unhandled' },
    responsePayload: { errorType: 'AccessDeniedException' },
  });
  // No fourth attempt: the file was never claimed, so a replay of the record's event ingests it from scratch.
  await sleep(3_000);
  expect(await fileRecord(key, etag)).toBeUndefined();
  const faults = (await (await fetch(`${ENDPOINT}/_local/faults`)).json()) as Array<{ match?: string[] }>;
  expect(faults.filter((f) => f.match?.includes(key))).toEqual([]);
});
