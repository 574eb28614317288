export { EventBridgeEmulator } from './emulator';
export { matchesPattern, validatePattern } from './pattern';
export { renderTargetInput, type EventBridgeEvent } from './transform';
