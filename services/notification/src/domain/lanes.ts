import type { CustomerDetailType } from './customer-events';
import { isThrottling } from './delivery-errors';
import type { SendOutcome, SendRequest } from './notify';
import { retryThrottled, systemClock, type Clock, type SendPacer } from './pacing';
import type { EmailMessage, SmsMessage } from './render';

/**
 * The two lanes. Transactional (receipts, payment failures, refunds, order outcomes, expired sessions): each
 * message on its own, at once. Reminders (InvoiceDue): e-mails in SendBulkEmail calls, paced to this worker's
 * share of the SES send rate. In both, throttling is waited out and tried again until the deadline, then the
 * record is retried later: throttling never loses a message and never sends one twice (a throttled call sent
 * nothing).
 */
export type Lane = 'transactional' | 'reminders';

export interface ChannelSenders {
  sendEmail(to: string, email: EmailMessage, detailType: CustomerDetailType): Promise<string>;
  sendBulkEmail(
    messages: Array<{ to: string; email: EmailMessage }>,
    detailType: CustomerDetailType,
  ): Promise<SendOutcome[]>;
  sendSms(to: string, sms: SmsMessage): Promise<string>;
}

async function outcomeOf(send: () => Promise<string>): Promise<SendOutcome> {
  try {
    return { providerMessageId: await send() };
  } catch (error) {
    return { error };
  }
}

function sendOne(senders: ChannelSenders, request: SendRequest, deadline: number, clock: Clock) {
  return outcomeOf(() =>
    retryThrottled(
      () =>
        request.channel === 'email'
          ? senders.sendEmail(request.address, request.email, request.detailType)
          : senders.sendSms(request.address, request.sms),
      isThrottling,
      { deadline, clock },
    ),
  );
}

/** Every message on its own call, side by side. */
export function sendEachAtOnce(senders: ChannelSenders, deadline: number, clock: Clock = systemClock) {
  return (requests: SendRequest[]): Promise<SendOutcome[]> =>
    Promise.all(requests.map((request) => sendOne(senders, request, deadline, clock)));
}

/**
 * E-mails in SendBulkEmail calls of `chunkSize()` recipients (one detail-type a call, for its tag), each call
 * waiting for room in the pacer; entries SES answers ACCOUNT_THROTTLED go again in a later call. SMS go one by one.
 */
export function sendPacedInBulk(
  senders: ChannelSenders,
  pacer: SendPacer,
  chunkSize: () => Promise<number>,
  deadline: number,
  clock: Clock = systemClock,
) {
  return async (requests: SendRequest[]): Promise<SendOutcome[]> => {
    const outcomes: SendOutcome[] = new Array(requests.length);
    const emails = new Map<CustomerDetailType, number[]>();
    const texts: Promise<void>[] = [];
    requests.forEach((request, index) => {
      if (request.channel === 'email')
        emails.set(request.detailType, [...(emails.get(request.detailType) ?? []), index]);
      else texts.push(sendOne(senders, request, deadline, clock).then((o) => void (outcomes[index] = o)));
    });

    for (const [detailType, indexes] of emails) {
      let waiting = indexes;
      let delay = 100;
      while (waiting.length > 0) {
        const size = Math.min(await chunkSize(), waiting.length);
        await pacer.take(size);
        const chunk = waiting.slice(0, size);
        let results: SendOutcome[];
        try {
          results = await senders.sendBulkEmail(
            chunk.map((i) => {
              const request = requests[i] as SendRequest & { channel: 'email' };
              return { to: request.address, email: request.email };
            }),
            detailType,
          );
        } catch (error) {
          results = chunk.map(() => ({ error }));
        }
        const throttled = chunk.filter((_, k) => {
          const result = results[k]!;
          return 'error' in result && isThrottling(result.error);
        });
        chunk.forEach((i, k) => {
          if (!throttled.includes(i)) outcomes[i] = results[k]!;
        });
        waiting = [...throttled, ...waiting.slice(size)];
        if (throttled.length > 0) {
          const wait = delay / 2 + Math.random() * (delay / 2);
          if (clock.now() + wait >= deadline) {
            // Out of time: the rest are transient failures, retried on the record's next receive.
            for (const [k, i] of chunk.entries()) if (throttled.includes(i)) outcomes[i] = results[k]!;
            for (const i of waiting.slice(throttled.length))
              outcomes[i] = {
                error: Object.assign(new Error('Maximum sending rate exceeded.'), {
                  name: 'TooManyRequestsException',
                }),
              };
            break;
          }
          await clock.sleep(wait);
          delay = Math.min(delay * 2, 2000);
        } else delay = 100;
      }
    }
    await Promise.all(texts);
    return outcomes;
  };
}
