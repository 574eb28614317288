import path from 'node:path';

/** Everything the local cloud agrees on: ports, identity, where data lives. */
export const EDGE_PORT = Number(process.env.PAYFLOW_EDGE_PORT ?? 4566);
export const ENDPOINT = `http://localhost:${EDGE_PORT}`;
export const REGION = process.env.AWS_REGION ?? 'us-east-1';
export const ACCOUNT_ID = '000000000000';
export const STAGE = 'local';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DATA_DIR = process.env.PAYFLOW_DATA_DIR ?? path.join(REPO_ROOT, '.local');

export function arn(service: string, resource: string, region = REGION): string {
  return `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
}
