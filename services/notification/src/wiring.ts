import { createLogger, type Logger } from '@payflow/shared';
import { createCustomerChoices } from './adapters/customer-choices';
import { createEmailSender } from './adapters/email';
import { invoiceAccessFor } from './adapters/pay-links';
import { createNotificationEvents } from './adapters/events';
import { createRetryScheduler } from './adapters/queue';
import { createSendsTable } from './adapters/sends-table';
import { createSmsSender } from './adapters/sms';
import { readConfig } from './config';
import { sendEachAtOnce, sendPacedInBulk, type ChannelSenders, type Lane } from './domain/lanes';
import type { NotifyPorts } from './domain/notify';
import { bulkCallSize, dailyShareSpent, reminderRatePerWorker, SendPacer } from './domain/pacing';
import { templateCatalog } from './templates';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'notification');

/** Everything the consumers need, built once per container from the environment. */
export function services() {
  cached ??= build();
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

/** Time kept back from the deadline for the records' write and the retry delays after the sends. */
const SAFETY_MS = 5_000;

function build() {
  const config = readConfig();
  const sends = createSendsTable({ tableName: config.sendsTable, recordDays: config.sendRecordDays });
  const customerChoices = createCustomerChoices({ tableName: config.customersTable });
  const events = createNotificationEvents(config.eventBusName);
  const email = createEmailSender(config.senderEmail);
  const sms = createSmsSender();
  const senders: ChannelSenders = {
    sendEmail: email.send,
    sendBulkEmail: email.sendBulk,
    sendSms: sms.send,
  };
  const sendQuota = () => email.sendQuota(config.quotaRefreshSeconds * 1000);
  const quota = async () => (await sendQuota()).maxSendRate;
  const ratePerWorker = async () =>
    reminderRatePerWorker(await quota(), config.transactionalShare, config.reminderWorkers);
  const callSize = async () => bulkCallSize(await quota(), config.transactionalShare, config.reminderWorkers);
  // One pacer per worker (container): its spacing carries over from one batch to the next.
  const pacer = new SendPacer(ratePerWorker);
  // SNS does not report its SMS rate: it is configured (smsMaxSendRate), and shared as SES's is.
  const smsPacer = new SendPacer(async () =>
    reminderRatePerWorker(config.smsMaxSendRate, config.transactionalShare, config.reminderWorkers),
  );

  /** The ports of one invocation: claims last, and throttled sends are retried, until its time runs out. */
  async function lanePorts(lane: Lane, remainingMs: number): Promise<NotifyPorts> {
    const leaseUntil = Date.now() + remainingMs;
    const deadline = leaseUntil - Math.min(SAFETY_MS, remainingMs / 3);
    return {
      catalog: templateCatalog,
      // Reminders carry the invoice's pay link and access code; the other events name no invoice to open.
      ...(lane === 'reminders' ? { invoiceAccess: await invoiceAccessFor(config.payPageUrl) } : {}),
      skipReason: (request) =>
        request.channel === 'email'
          ? email.suppressionReason(request.address)
          : sms.optOutReason(request.address),
      storedChoices: (customers) => customerChoices.choicesOf(customers),
      claim: (requests) => sends.claim(requests, leaseUntil, lane === 'reminders'),
      // Below 50 a second per worker, a batch of 100 takes seconds to send: claims and records overlap the sends.
      pipelined: lane === 'reminders' && (await ratePerWorker()) < 50,
      send:
        lane === 'reminders'
          ? sendPacedInBulk(senders, pacer, callSize, deadline, undefined, smsPacer)
          : sendEachAtOnce(senders, deadline),
      complete: (records) => sends.complete(records),
      release: (requests) => sends.release(requests),
      publishFailed: (event, record) => events.notificationFailed(event, record),
      now: () => new Date(),
    };
  }
  /** The reminders wait this long when their share of the day's quota is spent; undefined while it is not. */
  const dailyQuotaWait = async () =>
    dailyShareSpent(await sendQuota(), config.transactionalShare) ? config.dailyQuotaRetrySeconds : undefined;
  return { config, lanePorts, dailyQuotaWait, customerChoices, scheduleRetry: createRetryScheduler() };
}
