import { createLogger, type Logger } from '@payflow/shared';
import { createEmailSender } from './adapters/email';
import { createNotificationEvents } from './adapters/events';
import { createRetryScheduler } from './adapters/queue';
import { createSendsTable } from './adapters/sends-table';
import { createSmsSender } from './adapters/sms';
import { readConfig } from './config';
import { createDelivery, type NotifyPorts } from './domain/notify';
import { templateCatalog } from './templates';

export const logger: Logger = createLogger(process.env.POWERTOOLS_SERVICE_NAME || 'notification');

/** Everything the consumer needs, built once per container from the environment. */
export function services() {
  cached ??= build();
  return cached;
}
let cached: ReturnType<typeof build> | undefined;

function build() {
  const config = readConfig();
  const sends = createSendsTable({ tableName: config.sendsTable, recordDays: config.sendRecordDays });
  const events = createNotificationEvents(config.eventBusName);
  const deliver = createDelivery({
    sendEmail: createEmailSender(config.senderEmail),
    sendSms: createSmsSender(),
  });
  const ports: NotifyPorts = {
    catalog: templateCatalog,
    sendOnce: sends.once(deliver),
    publishFailed: (event, record) => events.notificationFailed(event, record),
  };
  return { config, idempotencyConfig: sends.config, ports, scheduleRetry: createRetryScheduler() };
}
