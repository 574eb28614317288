export { SqsEmulator } from './emulator';
export { QueueStore } from './store';
export type { ReceivedMessage } from './queue';
