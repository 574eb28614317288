import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** `custom.localWebsite` of a service: what its S3 website bucket serves on AWS, served from a folder locally. */
export interface LocalWebsite {
  port: number;
  /** Folder of the static files, relative to the service. */
  dir: string;
  /** Answered as /config.json (on AWS, the deploy step uploads it beside the page). */
  config?: Record<string, unknown>;
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
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/config.json' && site.config) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(site.config));
      return;
    }
    const relative = decodeURIComponent(url.pathname).replace(/\/$/, '/index.html');
    const file = path.resolve(root, `.${relative}`);
    // As an S3 website: no path outside the bucket, index.html for folders, 404 for the rest.
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
