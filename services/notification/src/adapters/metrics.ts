import type { ServiceMetrics } from '@payflow/shared';
import type { SendRecord } from '../domain/notify';

const metricOf = {
  SENT: 'NotificationsSent',
  SKIPPED: 'NotificationsSkipped',
  FAILED: 'NotificationsFailed',
} as const;

/**
 * NotificationsSent / NotificationsSkipped / NotificationsFailed (failed for good) by channel, one datapoint per
 * (metric, channel) for a batch. A replayed record (the send happened on an earlier delivery) counts nothing; the
 * recipient's address is never a dimension.
 */
export function countSends(metrics: ServiceMetrics, sends: SendRecord[]): void {
  const counts = new Map<
    string,
    { metric: (typeof metricOf)[SendRecord['status']]; channel: string; n: number }
  >();
  for (const send of sends) {
    if (send.replayed) continue;
    const key = `${send.status}#${send.channel}`;
    const entry = counts.get(key) ?? { metric: metricOf[send.status], channel: send.channel, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  }
  for (const { metric, channel, n } of counts.values()) metrics.count(metric, n, { channel });
}
