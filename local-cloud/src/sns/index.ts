export { SnsEmulator, SNS_XMLNS } from './emulator';
export { countSegments, type SmsRecord, SmsOutbox } from './sms';
