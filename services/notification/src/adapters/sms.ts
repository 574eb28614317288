import { CheckIfPhoneNumberIsOptedOutCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from '@payflow/shared';
import type { SmsMessage } from '../domain/render';
import { createTtlCache } from './ttl-cache';

/** SNS Publish straight to the phone number, as a transactional SMS; and the account's opt-out list. */
export function createSmsSender(client: SNSClient = awsClient(SNSClient)) {
  const optOuts = createTtlCache<boolean>(60_000, 10_000);
  return {
    async send(phoneNumber: string, sms: SmsMessage): Promise<string> {
      const result = await client.send(
        new PublishCommand({
          PhoneNumber: phoneNumber,
          Message: sms.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          },
        }),
      );
      return result.MessageId ?? '';
    },

    /** 'opted out of SMS' when the number replied STOP (CheckIfPhoneNumberIsOptedOut); remembered a minute. */
    async optOutReason(phoneNumber: string): Promise<string | undefined> {
      const optedOut = await optOuts.get(phoneNumber, async () => {
        const out = await client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber }));
        return out.isOptedOut === true;
      });
      return optedOut ? 'the phone number opted out of SMS from this account' : undefined;
    },
  };
}
