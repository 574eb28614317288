export { SesEmulator, type StoredEmail } from './emulator';
export { startSes } from './server';
