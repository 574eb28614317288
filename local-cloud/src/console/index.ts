export { createConsole, startConsoleServer, type LocalConsole } from './server';
export type { ConsoleSources } from './data';
