import {
  HttpProblem,
  httpHandler,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnprocessableError,
} from '@payflow/shared';
import { payoutWebhookSecret } from '../adapters/payout-provider';
import { applyReport } from '../domain/payout-flow';
import { PayoutWebhookSchema } from '../domain/payout-webhook';
import { WEBHOOK_SIGNATURE_HEADER, webhookRefusal } from '../domain/webhook-signature';
import { logger, payoutDependencies, services } from '../wiring';

const MAX_WEBHOOK_BYTES = 16 * 1024;

/**
 * POST /webhooks/payouts: the payouts provider reports a status. Believed only when signed with our shared secret
 * over its timestamp and raw body, signed within 5 minutes (an old one replayed is refused), and about a payout we
 * sent with the same reference and amount. A report that changes nothing (a repeat, a replay within the window) is
 * acknowledged and ignored.
 */
export const handler = httpHandler({ logger }, async ({ headers, event }) => {
  const raw = Buffer.from(
    typeof event.body === 'string' ? event.body : '',
    event.isBase64Encoded ? 'base64' : 'utf8',
  ).toString('utf8');
  if (Buffer.byteLength(raw) > MAX_WEBHOOK_BYTES)
    throw new PayloadTooLargeError(`Webhook body over ${MAX_WEBHOOK_BYTES} bytes`);
  const why = webhookRefusal(headers[WEBHOOK_SIGNATURE_HEADER], raw, await payoutWebhookSecret(), new Date());
  if (why) {
    logger.warn('Payout webhook refused', { why, signature: Boolean(headers[WEBHOOK_SIGNATURE_HEADER]) });
    throw new UnauthorizedError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpProblem(400, 'Webhook body is not valid JSON');
  }
  const result = PayoutWebhookSchema.safeParse(parsed);
  if (!result.success) {
    throw new UnprocessableError(
      'Webhook body failed validation',
      result.error.issues.map((issue) => ({
        path: ['body', ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  }
  const webhook = result.data;
  const found = await services().payouts.get(webhook.data.payoutId);
  if (!found) throw new NotFoundError(`Payout ${webhook.data.payoutId} was not found`);
  const outcome = await applyReport(found.payout, webhook.data, 'webhook', payoutDependencies());
  if (outcome.outcome === 'mismatch') {
    logger.warn('Payout webhook does not match the payout; ignored', {
      payoutId: webhook.data.payoutId,
      why: outcome.why,
    });
    throw new UnprocessableError(
      `The webhook does not match payout ${webhook.data.payoutId}: ${outcome.why}`,
    );
  }
  logger.info('Payout webhook received', {
    webhookId: webhook.id,
    payoutId: webhook.data.payoutId,
    providerStatus: webhook.data.status,
    outcome: outcome.outcome,
    status: outcome.payout.status,
  });
  return { received: true, duplicate: outcome.outcome === 'unchanged', status: outcome.payout.status };
});
