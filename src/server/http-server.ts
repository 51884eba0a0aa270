import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import type { FeedSite } from '../publish/index.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { feedCacheControl } from './cache-control.js';
import { changesPage, nextPageUrl, parseChangesQuery, QueryError } from './changes-route.js';
import { publishedFiles, type PublishedFiles } from './feeds-route.js';
import { health } from './health-route.js';
import { sendError, sendJson } from './json-response.js';
import { renderPage } from './page.js';
import { refreshRoute } from './refresh-route.js';
import type { RefreshRunner } from './refresh-runner.js';
import { HTML_CONTENT_TYPE, representation, sendRepresentation } from './representation.js';
import type { Schedule } from './scheduler.js';
import { storeFeed, SOURCE_FEED_PATH } from './source-feeds-route.js';
import { parseFeedQuery } from './feed-query.js';
import { allowAnyOrigin, answerPreflight, isSharedPath } from './cors.js';
import { isFeedFile, isPublishedFile, type FeedFile } from '../publish/published-files.js';
import { DEFAULT_CONNECTION_LIMITS, limitConnections, serverOptions, type ConnectionLimits, type ResponseGuard } from './connection-limits.js';
import { requestTarget } from './request-target.js';

// `regwatch serve`'s routes, on node:http. Every dependency is passed in, so tests give it a temp
// store, a fake refresh and a fixed clock.

export interface ServerDeps {
  config: Config;
  store: Store;
  /** <data>/public: what refresh published. */
  publicDir: string;
  site: FeedSite;
  runner: RefreshRunner;
  schedule: Schedule;
  now: () => Date;
  log?: (line: string) => void;
}

export const RECENT_CHANGES_ON_PAGE = 20;

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function requestHandler(
  deps: ServerDeps,
  guard?: ResponseGuard,
  published: PublishedFiles = publishedFiles(deps.publicDir),
): (req: IncomingMessage, res: ServerResponse) => void {
  const refresh =
    deps.config.refreshToken === undefined
      ? null
      : refreshRoute({ token: deps.config.refreshToken, minIntervalSeconds: deps.config.manualRefreshIntervalSeconds, runner: deps.runner, now: deps.now });
  const cacheControl = () => feedCacheControl(deps.now(), deps.schedule.nextRun());
  const sourceIds = deps.config.sources.map((s) => s.id);
  // The page also shows what this process brings (its config, the schedule): never older than its start.
  const startedAt = deps.now().toISOString();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const url = requestTarget(req.url);
    if (url === null) return sendError(res, 400, `not a request target this server answers: ${String(req.url).slice(0, 200)}`);
    const path = url.pathname;
    const name = path.slice(1);
    // A path no route answers is a 404 whatever the method (not a 405, nor a CORS preflight).
    const sourceFeed = sourceFeedOf(path);
    if (sourceFeed !== null && !sourceIds.includes(sourceFeed.source)) {
      return sendError(res, 404, `no source "${sourceFeed.source}" (known: ${sourceIds.join(', ')})`, { parameter: 'source' });
    }
    if (sourceFeed === null && !isNamedRoute(path, name)) return sendError(res, 404, `no such page: ${path}`);
    const shared = isSharedPath(path, isPublishedFile(name));
    if (shared) {
      if (req.method === 'OPTIONS') return answerPreflight(res);
      allowAnyOrigin(res);
    }

    // With no token configured the endpoint does not exist: a 404 like any unknown path.
    if (path === '/refresh') return refresh === null ? sendError(res, 404, `no such page: ${path}`) : refresh(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // The shared files also answer a CORS preflight (OPTIONS): Allow lists every method answered.
      return sendError(res, 405, `${req.method} is not allowed here; use GET`, {}, { Allow: shared ? 'GET, HEAD, OPTIONS' : 'GET, HEAD' });
    }

    if (path === '/' || path === '/index.html') {
      const sources = sourceReports(deps.store, deps.config).map((report) => ({
        report,
        recent: deps.store.items({ source: report.id, limit: RECENT_CHANGES_ON_PAGE }).items,
      }));
      const page = renderPage({
        site: deps.site,
        schedule: { cron: deps.schedule.cron, timezone: deps.schedule.timezone, nextRun: deps.schedule.nextRun()?.toISOString() ?? null },
        sources,
      });
      // Modified when the newest fact it shows was (a check, an item), or when this server started.
      const facts = sources.flatMap(({ report, recent }) => [report.lastCheckedAt ?? '', ...recent.map((item) => item.observedAt)]);
      const rep = representation(page, HTML_CONTENT_TYPE, new Date([startedAt, ...facts].sort().at(-1)!));
      return sendRepresentation(req, res, rep, 'no-cache', { 'Content-Security-Policy': PAGE_POLICY });
    }

    if (path === '/healthz') {
      return sendJson(res, 200, health(deps), { 'Cache-Control': 'no-store' });
    }

    if (path === '/changes.json' && url.search !== '' && url.search !== '?') {
      const query = parsedOr400(res, () => parseChangesQuery(url.searchParams, sourceIds));
      if (query === undefined) return;
      const page = changesPage(deps.store, query, sourceIds);
      const link: Record<string, string> = page.nextCursor === null ? {} : { Link: `<${nextPageUrl(url, page.nextCursor)}>; rel="next"` };
      return sendRepresentation(req, res, page.rep, cacheControl(), link);
    }

    if (isFeedFile(name) && url.search !== '' && url.search !== '?') {
      const filter = parsedOr400(res, () => parseFeedQuery(url.searchParams));
      if (filter === undefined) return;
      return sendRepresentation(req, res, storeFeed(deps, filter, name)!, cacheControl());
    }

    if (isPublishedFile(name)) {
      const rep = await published.get(name);
      if (rep === null) return sendError(res, 404, `${name} has not been published yet: it appears after the first refresh`);
      return sendRepresentation(req, res, rep, cacheControl());
    }

    // The one route left: a configured source's feed.
    const filter = parsedOr400(res, () => parseFeedQuery(url.searchParams));
    if (filter === undefined) return;
    return sendRepresentation(req, res, storeFeed(deps, { ...filter, source: sourceFeed!.source }, sourceFeed!.file)!, cacheControl());
  }

  return (req, res) => {
    if (guard !== undefined && !guard.admit(req, res)) return;
    route(req, res)
      .catch((error: unknown) => {
        deps.log?.(`serve: ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent) sendError(res, 500, 'internal error; see the server log');
        else res.destroy();
      })
      .finally(() => guard?.answered(req, res));
  };
}

/** A path some route answers by its name: the page, /healthz, /refresh, a published file. */
function isNamedRoute(path: string, name: string): boolean {
  return path === '/' || path === '/index.html' || path === '/healthz' || path === '/refresh' || isPublishedFile(name);
}

/** `/sources/<id>/<feed file>`, whether or not a source has that id. */
function sourceFeedOf(path: string): { source: string; file: FeedFile } | null {
  const match = SOURCE_FEED_PATH.exec(path);
  return match !== null && isFeedFile(match[2]!) ? { source: match[1]!, file: match[2] } : null;
}

/** The parsed query, or undefined once a 400 naming the bad parameter has been sent. */
function parsedOr400<T>(res: ServerResponse, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (error instanceof QueryError) {
      sendError(res, 400, error.message, { parameter: error.parameter });
      return undefined;
    }
    throw error;
  }
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /** Stops accepting connections and lets open requests finish; resolves when all are closed. */
  close(): Promise<void>;
  /** Drops the connections still open (after the grace period). */
  closeAllConnections(): void;
}

export async function startHttpServer(deps: ServerDeps, listen: { port: number; host: string; limits?: Partial<ConnectionLimits> }): Promise<RunningServer> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...listen.limits };
  const server = createServer(serverOptions(limits));
  const guard = limitConnections(server, limits, deps.log ?? (() => {}));
  const published = publishedFiles(deps.publicDir);
  server.on('request', requestHandler(deps, guard, published));
  server.once('close', () => published.close());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    server,
    url: `http://${host}:${address.port}/`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return closing;
    },
    closeAllConnections: () => server.closeAllConnections(),
  };
}
