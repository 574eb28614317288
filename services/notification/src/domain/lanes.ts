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
 * waiting for room in the pacer; entries SES answers ACCOUNT_THROTTLED go again in a later call. SMS go one by one,
 * each waiting for room in `smsPacer` (SNS has an SMS rate of its own), beside the e-mails.
 */
export function sendPacedInBulk(
  senders: ChannelSenders,
  pacer: SendPacer,
  chunkSize: () => Promise<number>,
  deadline: number,
  clock: Clock = systemClock,
  smsPacer?: SendPacer,
) {
  return async (requests: SendRequest[]): Promise<SendOutcome[]> => {
    const outcomes: SendOutcome[] = new Array(requests.length);
    const emails = new Map<CustomerDetailType, number[]>();
    const textIndexes: number[] = [];
    requests.forEach((request, index) => {
      if (request.channel === 'email')
        emails.set(request.detailType, [...(emails.get(request.detailType) ?? []), index]);
      else textIndexes.push(index);
    });
    const texts = (async () => {
      const sending: Promise<void>[] = [];
      for (const index of textIndexes) {
        await smsPacer?.take(1);
        sending.push(
          sendOne(senders, requests[index]!, deadline, clock).then((o) => void (outcomes[index] = o)),
        );
      }
      await Promise.all(sending);
    })();
    // Awaited below, after the e-mails; handled from now on, so a failure meanwhile cannot end the worker.
    texts.catch(() => undefined);

    const throttledError = () =>
      Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });

    /** One call, and again for what SES throttled (after a back-off), until the deadline. */
    const sendChunk = async (chunk: number[], detailType: CustomerDetailType): Promise<void> => {
      let waiting = chunk;
      let delay = 100;
      for (;;) {
        let results: SendOutcome[];
        try {
          results = await senders.sendBulkEmail(
            waiting.map((i) => {
              const request = requests[i] as SendRequest & { channel: 'email' };
              return { to: request.address, email: request.email };
            }),
            detailType,
          );
        } catch (error) {
          results = waiting.map(() => ({ error }));
        }
        const throttled: number[] = [];
        waiting.forEach((i, k) => {
          const result = results[k] ?? { error: throttledError() };
          if ('error' in result && isThrottling(result.error)) throttled.push(i);
          // Out of time or not throttled: this is the outcome (a throttled one is retried on the next receive).
          outcomes[i] = result;
        });
        if (throttled.length === 0) return;
        const wait = delay / 2 + Math.random() * (delay / 2);
        if (clock.now() + wait >= deadline) return;
        await clock.sleep(wait);
        delay = Math.min(delay * 2, 2000);
        // No new turn from the pacer: SES counted nothing for the throttled call, so the retry uses its turn.
        waiting = throttled;
      }
    };

    // Calls start as the pacer allows and run side by side.
    const calls: Promise<void>[] = [];
    for (const [detailType, indexes] of emails) {
      for (let start = 0; start < indexes.length;) {
        const size = Math.min(await chunkSize(), indexes.length - start);
        const chunk = indexes.slice(start, start + size);
        start += size;
        await pacer.take(chunk.length);
        calls.push(sendChunk(chunk, detailType));
      }
    }
    await Promise.all(calls);
    await texts;
    return outcomes;
  };
}
