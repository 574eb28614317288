import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { observedHandler } from '@payflow/shared';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { payoutProvider, payoutWebhookSecret } from '../adapters/payout-provider';
import { webhookFor } from '../domain/payout-webhook';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../domain/webhook-signature';
import { logger } from '../wiring';

const processor = new BatchProcessor(EventType.SQS);
const MessageSchema = z.strictObject({ payoutId: z.string().min(1) });

/**
 * The simulated provider's side: once a payout is decided, it calls our webhook, signed, as a real provider does.
 * Not yet decided, or our endpoint not answering 2xx: the message is retried (then its DLQ); polling still finds it.
 */
async function deliver(record: SQSRecord): Promise<void> {
  const { payoutId } = MessageSchema.parse(JSON.parse(record.body));
  const report = await payoutProvider().lookup(payoutId);
  if (!report) return logger.warn('Simulated provider: no such payout; no webhook', { payoutId });
  if (report.status === 'PENDING') throw new Error(`Payout ${payoutId} is not decided yet`);
  const body = JSON.stringify(webhookFor(report));
  const url = process.env.PAYOUT_WEBHOOK_URL;
  if (!url) throw new Error('PAYOUT_WEBHOOK_URL is not set (see serverless.yml)');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, await payoutWebhookSecret(), new Date()),
    },
    body,
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`Webhook for ${payoutId} answered ${response.status}`);
  logger.info('Simulated provider sent a payout webhook', { payoutId, status: report.status });
}

/** SQS consumer of the simulated provider's outgoing webhooks; failures are reported per message. */
const deliverPayoutWebhooks = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, deliver, processor, { context });

export const handler = observedHandler(deliverPayoutWebhooks);
