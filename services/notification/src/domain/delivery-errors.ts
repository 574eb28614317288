import type { NotificationChannel } from '@payflow/shared';

/**
 * Errors about the recipient, which no retry fixes: the customer is told nowhere else on this channel, so the
 * send is recorded as failed and NotificationFailed goes out. Anything else (throttling, 5xx, a paused account,
 * an error we have never seen) is transient: the record comes back, and after three receives waits in the DLQ.
 */
const permanentErrors: Record<NotificationChannel, ReadonlySet<string>> = {
  email: new Set(['MessageRejected', 'MailFromDomainNotVerifiedException']),
  sms: new Set(['InvalidParameter', 'InvalidParameterException', 'InvalidParameterValue']),
};

export type DeliveryErrorKind = 'permanent' | 'transient';

/**
 * SES over its maximum send rate (v2: `TooManyRequestsException`, v1: `Throttling`, both "Maximum sending rate
 * exceeded."), SNS `Throttled`: retried with back-off, never a reason to give up on the message.
 */
export function isThrottling(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    [
      'TooManyRequestsException',
      'ThrottlingException',
      'Throttling',
      'Throttled',
      'ThrottledException',
    ].includes(error.name) || /maximum sending rate exceeded/i.test(error.message)
  );
}

/** A SendBulkEmail entry's Status, as an error the per-channel rules above classify. */
export function bulkEntryError(status: string, message: string | undefined): Error | undefined {
  if (status === 'SUCCESS') return undefined;
  const name =
    status === 'MESSAGE_REJECTED'
      ? 'MessageRejected'
      : status === 'MAIL_FROM_DOMAIN_NOT_VERIFIED'
        ? 'MailFromDomainNotVerifiedException'
        : status === 'ACCOUNT_THROTTLED'
          ? 'TooManyRequestsException'
          : status;
  return Object.assign(new Error(message || status), { name });
}

export function classifyDeliveryError(channel: NotificationChannel, error: unknown): DeliveryErrorKind {
  const name = error instanceof Error ? error.name : '';
  return permanentErrors[channel].has(name) ? 'permanent' : 'transient';
}

/** 'MessageRejected: Email address is not verified.' for a log line or a NotificationFailed reason. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * How long a failed record stays hidden before its next receive: a base that doubles per receive, capped.
 * Zero for a record that can never succeed, so it reaches the DLQ without waiting.
 */
export function retryDelaySeconds(receiveCount: number, baseSeconds: number, retryable: boolean): number {
  if (!retryable) return 0;
  const attempt = Math.max(1, Math.floor(receiveCount));
  return Math.min(baseSeconds * 2 ** (attempt - 1), 900);
}
