export { SnsEmulator } from './emulator';
export { type SmsRecord } from './sms';
