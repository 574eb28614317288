import http from 'node:http';
import type { AwsRequest, AwsResponse } from './protocol';

/** Forwards a request to an emulator that runs on its own port (DynamoDB Local, s3rver, aws-ses-v2-local). */
export function forward(
  port: number,
  req: AwsRequest,
  rewrite: { path?: string; headers?: Record<string, string> } = {},
): Promise<AwsResponse> {
  const query = req.query.toString();
  const headers: Record<string, string> = {
    ...req.headers,
    ...rewrite.headers,
    host: `127.0.0.1:${port}`,
    'content-length': String(req.body.length),
  };
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: (rewrite.path ?? req.path) + (query ? `?${query}` : ''),
        headers,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') {
              responseHeaders[name] = Array.isArray(value) ? value.join(',') : value;
            }
          }
          resolve({
            status: incoming.statusCode ?? 502,
            headers: responseHeaders,
            body: Buffer.concat(chunks),
          });
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
