import fs from 'node:fs';
import S3rver from 's3rver';
import { AwsError, xml, type AwsRequest, type AwsResponse, type Emulator } from './protocol';
import { forward } from './proxy';
import { invokeFunction } from './lambda';
import { REGION } from './config';

/** One entry of a bucket's NotificationConfiguration.LambdaConfigurations. */
export interface LambdaNotification {
  functionArn: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

/**
 * s3rver behind the edge. s3rver has no notification API and misses multipart completions,
 * so the edge raises S3 event notifications itself from the requests that succeed.
 */
export class S3Emulator implements Emulator {
  readonly signingName = 's3';
  private readonly notifications = new Map<string, LambdaNotification[]>();
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly server: S3rver,
    private readonly port: number,
  ) {}

  static async start(options: { port: number; dataDir: string }): Promise<S3Emulator> {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const server = new S3rver({
      port: options.port,
      address: '127.0.0.1',
      directory: options.dataDir,
      silent: true,
      vhostBuckets: false,
      allowMismatchedSignatures: true,
    });
    await server.run();
    return new S3Emulator(server, options.port);
  }

  setLambdaNotifications(bucket: string, configurations: LambdaNotification[]): void {
    this.notifications.set(bucket, configurations);
  }

  operation(req: AwsRequest): string {
    const [, bucket, ...key] = req.path.split('/');
    const hasKey = key.join('/') !== '';
    if (req.query.has('uploadId')) return req.method === 'POST' ? 'CompleteMultipartUpload' : 'UploadPart';
    if (req.query.has('uploads')) return 'CreateMultipartUpload';
    if (!bucket) return 'ListBuckets';
    const verb: Record<string, string> = hasKey
      ? {
          GET: 'GetObject',
          PUT: req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject',
          HEAD: 'HeadObject',
          DELETE: 'DeleteObject',
        }
      : {
          GET: 'ListObjects',
          PUT: 'CreateBucket',
          HEAD: 'HeadBucket',
          DELETE: 'DeleteBucket',
          POST: 'DeleteObjects',
        };
    return verb[req.method] ?? req.method;
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    const { bucketPath, headers } = this.pathStyle(req);
    const res = await forward(this.port, req, { path: bucketPath, headers });
    const operation = this.operation({ ...req, path: bucketPath });
    if (res.status < 300 && ['PutObject', 'CopyObject', 'CompleteMultipartUpload'].includes(operation)) {
      this.track(
        this.notify(operation, bucketPath).catch((error: unknown) =>
          console.error(`[local-cloud] s3 notification for ${bucketPath} failed:`, error),
        ),
      );
    }
    return res;
  }

  errorResponse(error: AwsError): AwsResponse {
    return {
      status: error.status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xml(error.code)}</Code><Message>${xml(error.message)}</Message></Error>`,
    };
  }

  /** Resolves when every notification raised so far has been delivered. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** Virtual-hosted requests (`bucket.localhost:4566`) become path-style; any access key is accepted. */
  private pathStyle(req: AwsRequest): { bucketPath: string; headers: Record<string, string> } {
    const host = (req.headers.host ?? '').split(':')[0] ?? '';
    const vhost = /^(.+)\.(localhost|127\.0\.0\.1|s3[.-].*)$/.exec(host)?.[1];
    const bucketPath = vhost ? `/${vhost}${req.path}` : req.path;
    const authorization = (req.headers.authorization ?? '').replace(
      /Credential=[^/]+\//,
      'Credential=S3RVER/',
    );
    return { bucketPath, headers: authorization ? { authorization } : {} };
  }

  private async notify(operation: string, bucketPath: string): Promise<void> {
    const [, bucket = '', ...rest] = bucketPath.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const eventName = `ObjectCreated:${operation === 'CompleteMultipartUpload' ? 'CompleteMultipartUpload' : operation === 'CopyObject' ? 'Copy' : 'Put'}`;
    const targets = (this.notifications.get(bucket) ?? []).filter(
      (n) =>
        n.events.some((e) => e === 's3:ObjectCreated:*' || e === `s3:${eventName}`) &&
        key.startsWith(n.prefix ?? '') &&
        key.endsWith(n.suffix ?? ''),
    );
    if (targets.length === 0) return;
    const head = await forward(this.port, {
      method: 'HEAD',
      path: bucketPath,
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
    });
    if (head.status !== 200) throw new Error(`HEAD ${bucketPath} answered ${head.status}`);
    const size = Number(head.headers?.['content-length'] ?? 0);
    const eTag = (head.headers?.etag ?? '').replace(/"/g, '');
    for (const target of targets) {
      const event = s3Event({ bucket, key, size, eTag, eventName });
      await invokeFunction(target.functionArn, event, 'Event').catch((error: unknown) =>
        console.error(
          `[local-cloud] s3 notification of s3://${bucket}/${key} to ${target.functionArn} failed:`,
          error,
        ),
      );
    }
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }
}

/** The event S3 sends to Lambda; the key is URL-encoded with '+' for spaces, as AWS does. */
function s3Event(o: { bucket: string; key: string; size: number; eTag: string; eventName: string }) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: REGION,
        eventTime: new Date().toISOString(),
        eventName: o.eventName,
        userIdentity: { principalId: 'AWS:LOCAL' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': crypto.randomUUID(), 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local',
          bucket: {
            name: o.bucket,
            ownerIdentity: { principalId: 'LOCAL' },
            arn: `arn:aws:s3:::${o.bucket}`,
          },
          object: {
            key: encodeURIComponent(o.key).replace(/%20/g, '+').replace(/%2F/g, '/'),
            size: o.size,
            eTag: o.eTag,
            sequencer: Date.now().toString(16).toUpperCase(),
          },
        },
      },
    ],
  };
}
