export { SqsEmulator, type SqsEmulatorOptions } from './emulator';
export { QueueStore } from './store';
export type { Queue, Message, ReceivedMessage } from './queue';
