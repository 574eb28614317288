export { createConsole, startConsoleServer } from './server';
