export { SesEmulator, type StoredEmail } from './emulator';
export { sesOperation } from './operations';
export { startSes } from './server';
