import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { awsClient } from '@payflow/shared';
import type { SmsMessage } from '../domain/render';

/** SNS Publish straight to the phone number, as a transactional SMS (delivered ahead of promotional traffic). */
export function createSmsSender(client: SNSClient = awsClient(SNSClient)) {
  return async (phoneNumber: string, sms: SmsMessage): Promise<string> => {
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
  };
}
