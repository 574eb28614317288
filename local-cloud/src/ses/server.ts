import type { AddressInfo } from 'node:net';
import startSesServer from 'aws-ses-v2-local';
import { SesEmulator } from './emulator';

/**
 * Starts aws-ses-v2-local in this process on 127.0.0.1 (port 0 picks a free one).
 * Its store is module-wide: every SesEmulator in one process shares the same sent emails.
 */
export async function startSes(options: { port?: number } = {}): Promise<SesEmulator> {
  const port = options.port ?? 0;
  const server = await startSesServer({ host: '127.0.0.1', port });
  // Express 5 hands a listen error to the callback, so a busy port resolves with a server that is not listening.
  if (!server.listening) {
    throw new Error(`Could not start aws-ses-v2-local on 127.0.0.1:${port}: is the port already in use?`);
  }
  return new SesEmulator((server.address() as AddressInfo).port, server);
}
