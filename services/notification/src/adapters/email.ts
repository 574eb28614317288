import {
  GetAccountCommand,
  GetSuppressedDestinationCommand,
  NotFoundException,
  SendBulkEmailCommand,
  SendEmailCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { awsClient } from '@payflow/shared';
import type { CustomerDetailType } from '../domain/customer-events';
import { bulkEntryError } from '../domain/delivery-errors';
import type { SendOutcome } from '../domain/notify';
import type { SendQuota } from '../domain/pacing';
import type { EmailMessage } from '../domain/render';
import { createTtlCache } from './ttl-cache';

/**
 * The whole message is rendered here (Mustache, HTML-escaped where it must be), so the SES template only places
 * it: triple braces, which Handlebars never escapes, and the text is never rendered twice.
 */
const WHOLE_MESSAGE_TEMPLATE = { Subject: '{{{subject}}}', Text: '{{{text}}}', Html: '{{{html}}}' };

/** SES v2 from the configured sender: single sends, bulk sends, the account's quota and suppression list. */
export function createEmailSender(senderEmail: string, client: SESv2Client = awsClient(SESv2Client)) {
  const suppressions = createTtlCache<string | undefined>(60_000, 10_000);
  let quota: (SendQuota & { readAt: number }) | undefined;

  return {
    /** One SendEmail; returns SES's MessageId. */
    async send(to: string, email: EmailMessage, detailType: CustomerDetailType): Promise<string> {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: senderEmail,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                Html: { Data: email.html, Charset: 'UTF-8' },
              },
            },
          },
          // Lets SES event destinations (bounces, complaints) be broken down by what the customer was told.
          EmailTags: [{ Name: 'payflow-event', Value: detailType }],
        }),
      );
      return result.MessageId ?? '';
    },

    /**
     * One SendBulkEmail for up to 50 recipients (one entry each); SES counts each against the send rate.
     * A throttled call throws whole; otherwise each entry has its own outcome.
     */
    async sendBulk(
      messages: Array<{ to: string; email: EmailMessage }>,
      detailType: CustomerDetailType,
    ): Promise<SendOutcome[]> {
      const result = await client.send(
        new SendBulkEmailCommand({
          FromEmailAddress: senderEmail,
          DefaultContent: { Template: { TemplateContent: WHOLE_MESSAGE_TEMPLATE, TemplateData: '{}' } },
          DefaultEmailTags: [{ Name: 'payflow-event', Value: detailType }],
          BulkEmailEntries: messages.map(({ to, email }) => ({
            Destination: { ToAddresses: [to] },
            ReplacementEmailContent: {
              ReplacementTemplate: {
                ReplacementTemplateData: JSON.stringify({
                  subject: email.subject,
                  text: email.text,
                  html: email.html,
                }),
              },
            },
          })),
        }),
      );
      const entries = result.BulkEmailEntryResults ?? [];
      return messages.map((_, index) => {
        const entry = entries[index];
        if (!entry) return { error: new Error('SendBulkEmail returned no result for this entry') };
        const error = bulkEntryError(entry.Status ?? 'UNKNOWN', entry.Error);
        return error ? { error } : { providerMessageId: entry.MessageId ?? '' };
      });
    },

    /** 'on the SES suppression list (BOUNCE)' when SES would not deliver to this address; remembered a minute. */
    suppressionReason(address: string): Promise<string | undefined> {
      return suppressions.get(address.toLowerCase(), async () => {
        try {
          const out = await client.send(new GetSuppressedDestinationCommand({ EmailAddress: address }));
          return `on the SES account suppression list (${out.SuppressedDestination?.Reason ?? 'unknown reason'})`;
        } catch (error) {
          if (error instanceof NotFoundException) return undefined;
          throw error;
        }
      });
    },

    /** GetAccount's SendQuota, read again after `refreshMs`. */
    async sendQuota(refreshMs: number): Promise<SendQuota> {
      if (!quota || Date.now() - quota.readAt > refreshMs) {
        const out = await client.send(new GetAccountCommand({}));
        quota = {
          maxSendRate: out.SendQuota?.MaxSendRate ?? 1,
          // -1: no daily limit.
          max24HourSend: out.SendQuota?.Max24HourSend ?? -1,
          sentLast24Hours: out.SendQuota?.SentLast24Hours ?? 0,
          readAt: Date.now(),
        };
      }
      return quota;
    },
  };
}
