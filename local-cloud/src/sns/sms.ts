import { invalidParameter } from './errors';
import type { MessageAttributes } from './model';

/** E.164: '+', then up to 15 digits, the first not 0. */
const E164 = /^\+[1-9]\d{0,14}$/;

export function validatePhoneNumber(phoneNumber: string): void {
  if (!E164.test(phoneNumber)) {
    throw invalidParameter(
      `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`,
    );
  }
}

export function isE164(phoneNumber: string): boolean {
  return E164.test(phoneNumber);
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the GSM 03.38 extension table: each costs an escape plus itself, two septets. */
const GSM7_EXTENDED = '^{}\\[~]|€\f';

type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  segments: number;
}

/**
 * GSM-7: 160 septets in one SMS, 153 per part once concatenated; UCS-2: 70 UTF-16 units, 67 per part.
 * A character is never split across parts (an escaped GSM character, a surrogate pair).
 */
export function countSegments(message: string): SmsSegments {
  const chars = [...message];
  const gsm = chars.every((c) => GSM7_BASIC.includes(c) || GSM7_EXTENDED.includes(c));
  const cost = (c: string) => (gsm ? (GSM7_EXTENDED.includes(c) ? 2 : 1) : c.length);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  const total = chars.reduce((sum, c) => sum + cost(c), 0);
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  if (total <= single) return { encoding, segments: 1 };
  let segments = 1;
  let used = 0;
  for (const c of chars) {
    if (used + cost(c) > part) {
      segments += 1;
      used = 0;
    }
    used += cost(c);
  }
  return { encoding, segments };
}

export interface SmsRecord {
  id: string;
  phoneNumber: string;
  message: string;
  segments: number;
  encoding: SmsEncoding;
  /** AWS.SNS.SMS.SMSType; AWS's default type is Promotional. */
  smsType: string;
  senderId?: string;
  messageAttributes: MessageAttributes;
  topicArn?: string;
  subscriptionArn?: string;
  at: string;
}

/** What SNS "sent" as SMS, newest last; and the numbers that opted out (replied STOP), which get nothing. */
export class SmsOutbox {
  private records: SmsRecord[] = [];
  private readonly optedOut = new Set<string>();
  /** SMS not delivered because the number had opted out. */
  private droppedCount = 0;

  optOut(phoneNumber: string): void {
    validatePhoneNumber(phoneNumber);
    this.optedOut.add(phoneNumber);
  }

  optIn(phoneNumber: string): void {
    this.optedOut.delete(phoneNumber);
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.optedOut.has(phoneNumber);
  }

  optedOutNumbers(): string[] {
    return [...this.optedOut].sort();
  }

  get dropped(): number {
    return this.droppedCount;
  }

  add(input: {
    id: string;
    phoneNumber: string;
    message: string;
    messageAttributes: MessageAttributes;
    topicArn?: string;
    subscriptionArn?: string;
  }): SmsRecord {
    const attributes = input.messageAttributes;
    const record: SmsRecord = {
      ...input,
      ...countSegments(input.message),
      smsType: attributes['AWS.SNS.SMS.SMSType']?.StringValue ?? 'Promotional',
      at: new Date().toISOString(),
    };
    const senderId = attributes['AWS.SNS.SMS.SenderID']?.StringValue;
    if (senderId !== undefined) record.senderId = senderId;
    // As on AWS: the publish succeeds, the carrier never sees it (the delivery log says the number opted out).
    if (this.optedOut.has(input.phoneNumber)) this.droppedCount += 1;
    else this.records.push(record);
    return record;
  }

  list(filter: { phoneNumber?: string } = {}): SmsRecord[] {
    return this.records.filter((r) => !filter.phoneNumber || r.phoneNumber === filter.phoneNumber);
  }

  clear(): void {
    this.records = [];
  }
}
