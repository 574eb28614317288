import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { awsClient } from '@payflow/shared';
import type { CustomerDetailType } from '../domain/customer-events';
import type { EmailMessage } from '../domain/render';

/** SES v2 SendEmail from the configured sender; returns SES's MessageId. */
export function createEmailSender(senderEmail: string, client: SESv2Client = awsClient(SESv2Client)) {
  return async (to: string, email: EmailMessage, detailType: CustomerDetailType): Promise<string> => {
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
  };
}
