import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

// A local stand-in for iso.org and the Open Data blob store on 127.0.0.1: each path serves a recorded
// body from ../shared/fixtures, swappable between refreshes to replay history.

export interface Route {
  /** A file to serve (read at request time), or a literal body. */
  file?: string;
  body?: string | Buffer;
  status?: number;
  headers?: Record<string, string>;
}

export interface FixtureServer {
  origin: string;
  routes: Map<string, Route>;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, Route>();
  const requests: FixtureServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ path, headers: req.headers });
    if (path === '/robots.txt' && !routes.has(path)) {
      res.writeHead(404).end();
      return;
    }
    const route = routes.get(path);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = route.file !== undefined ? readFileSync(route.file) : (route.body ?? '');
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', ...route.headers };
    const etag = headers.etag;
    if (etag !== undefined && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(route.status ?? 200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
