import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** `custom.localWebsite` of a service: what its bucket serves through CloudFront on AWS, served from a folder locally. */
export interface LocalWebsite {
  port: number;
  /** Folder of the static files, relative to the service. */
  dir: string;
  /** Answered as /config.json (on AWS, the deploy step uploads it beside the page). */
  config?: Record<string, unknown>;
  /** Logical id of the AWS::CloudFront::ResponseHeadersPolicy whose headers the distribution adds on AWS. */
  headersPolicy?: string;
  /** Those headers, read from the packaged template (`responseHeaders`), on every response of the site. */
  headers?: Record<string, string>;
}

/** An AWS::CloudFront::ResponseHeadersPolicy's ResponseHeadersPolicyConfig, its intrinsics resolved. */
interface ResponseHeadersPolicyConfig {
  SecurityHeadersConfig?: {
    ContentSecurityPolicy?: { ContentSecurityPolicy: string };
    StrictTransportSecurity?: {
      AccessControlMaxAgeSec: number;
      IncludeSubdomains?: boolean;
      Preload?: boolean;
    };
    FrameOptions?: { FrameOption: string };
    ReferrerPolicy?: { ReferrerPolicy: string };
    ContentTypeOptions?: object;
    XSSProtection?: { Protection: boolean; ModeBlock?: boolean; ReportUri?: string };
  };
  CustomHeadersConfig?: { Items: Array<{ Header: string; Value: string }> };
}

/** Parts of a policy the local site can add; any other (CORS, removed headers...) is refused, not silently dropped. */
const SERVED_PARTS = new Set(['Name', 'Comment', 'SecurityHeadersConfig', 'CustomHeadersConfig']);

/**
 * The headers CloudFront adds for a response headers policy, so the local page answers with what AWS sends (the
 * policy in the template is the one definition of them).
 */
export function responseHeaders(config: ResponseHeadersPolicyConfig): Record<string, string> {
  const unserved = Object.keys(config).filter((part) => !SERVED_PARTS.has(part));
  if (unserved.length > 0) {
    throw new Error(`the local site cannot add ${unserved.join(', ')} of a response headers policy`);
  }
  const security = config.SecurityHeadersConfig ?? {};
  const headers: Record<string, string> = {};
  if (security.ContentSecurityPolicy) {
    headers['content-security-policy'] = security.ContentSecurityPolicy.ContentSecurityPolicy;
  }
  if (security.StrictTransportSecurity) {
    const hsts = security.StrictTransportSecurity;
    headers['strict-transport-security'] = [
      `max-age=${hsts.AccessControlMaxAgeSec}`,
      ...(String(hsts.IncludeSubdomains) === 'true' ? ['includeSubDomains'] : []),
      ...(String(hsts.Preload) === 'true' ? ['preload'] : []),
    ].join('; ');
  }
  if (security.FrameOptions) headers['x-frame-options'] = security.FrameOptions.FrameOption;
  if (security.ReferrerPolicy) headers['referrer-policy'] = security.ReferrerPolicy.ReferrerPolicy;
  if (security.ContentTypeOptions) headers['x-content-type-options'] = 'nosniff';
  if (security.XSSProtection) {
    const xss = security.XSSProtection;
    headers['x-xss-protection'] =
      String(xss.Protection) === 'true'
        ? [
            '1',
            ...(String(xss.ModeBlock) === 'true' ? ['mode=block'] : []),
            ...(xss.ReportUri ? [`report=${xss.ReportUri}`] : []),
          ].join('; ')
        : '0';
  }
  for (const { Header, Value } of config.CustomHeadersConfig?.Items ?? [])
    headers[Header.toLowerCase()] = Value;
  return headers;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export async function startWebsite(
  serviceDir: string,
  site: LocalWebsite,
  /** Pages of the local cloud's own served beside the site (the console under /console); true when answered. */
  mounted?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<{ url: string; close(): Promise<void> }> {
  const root = path.resolve(serviceDir, site.dir);
  const server = http.createServer((req, res) => {
    if (mounted?.(req, res)) return;
    // As CloudFront: the policy's headers on every answer of the site, a 404 included.
    for (const [name, value] of Object.entries(site.headers ?? {})) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/config.json' && site.config) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(site.config));
      return;
    }
    const relative = decodeURIComponent(url.pathname).replace(/\/$/, '/index.html');
    const file = path.resolve(root, `.${relative}`);
    // As the distribution: no path outside the bucket, index.html for folders, 404 for the rest.
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(site.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://localhost:${site.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
