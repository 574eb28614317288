import { createPublisher, NotificationFailed, type Publisher } from '@payflow/shared';
import type { CustomerEvent } from '../domain/customer-events';
import { notificationFailedId } from '../domain/event-ids';
import type { SendRecord } from '../domain/notify';

/** Publishes NotificationFailed with an id derived from (event, channel): a re-publish is the same event. */
export function createNotificationEvents(busName: string, publisher?: Publisher) {
  const events = publisher ?? createPublisher({ busName, source: 'payflow.notification' });
  return {
    async notificationFailed(event: CustomerEvent, record: SendRecord): Promise<void> {
      await events.publish(
        NotificationFailed,
        {
          originalEventId: event.detail.id,
          originalDetailType: event.detailType,
          channel: record.channel,
          reason:
            `Could not ${record.channel === 'email' ? 'e-mail' : 'text'} ${record.to}: ${record.reason ?? 'refused'}`.slice(
              0,
              1000,
            ),
        },
        {
          correlationId: event.detail.correlationId,
          id: notificationFailedId(event.detail.id, record.channel),
        },
      );
    },
  };
}
