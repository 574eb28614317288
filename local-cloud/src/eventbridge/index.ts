export { EventBridgeEmulator, type EventBridgeOptions } from './emulator';
export { matchesPattern, validatePattern, parsePattern, type EventPattern } from './pattern';
export { renderTargetInput, type EventBridgeEvent } from './transform';
export type { LogRecord } from './targets';
