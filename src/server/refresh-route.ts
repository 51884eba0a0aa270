import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RefreshRunner } from './refresh-runner.js';
import { sendError, sendJson } from './json-response.js';

// POST /refresh with `Authorization: Bearer <refreshToken>`: runs one refresh and answers when it
// has finished, with its outcome. Only mounted when the config has a token. 409 while a refresh
// runs; 429 with Retry-After within manualRefreshIntervalSeconds of the last manual one.

export interface RefreshRouteDeps {
  token: string;
  minIntervalSeconds: number;
  runner: RefreshRunner;
  now: () => Date;
}

export type RefreshRoute = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function refreshRoute(deps: RefreshRouteDeps): RefreshRoute {
  const expected = digest(deps.token);
  let lastManualAt: number | null = null;

  return async (req, res) => {
    if (req.method !== 'POST') {
      sendError(res, 405, 'use POST /refresh', {}, { Allow: 'POST' });
      return;
    }
    const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    // Compared as digests: equal length, constant time, so the token's length does not leak either.
    if (match === null || !timingSafeEqual(digest(match[1]!), expected)) {
      sendError(res, 401, 'POST /refresh needs the refresh token: Authorization: Bearer <token>', {}, { 'WWW-Authenticate': 'Bearer realm="regwatch"' });
      return;
    }
    const running = deps.runner.current();
    if (running !== null) {
      sendError(res, 409, `a refresh is already running (${running.trigger}, started ${running.startedAt})`, { running });
      return;
    }
    const now = deps.now().getTime();
    const waitMs = lastManualAt === null ? 0 : lastManualAt + deps.minIntervalSeconds * 1000 - now;
    if (waitMs > 0) {
      const retryAfter = Math.ceil(waitMs / 1000);
      sendError(
        res,
        429,
        `a manual refresh ran less than ${deps.minIntervalSeconds} s ago; try again in ${retryAfter} s`,
        { retryAfter },
        { 'Retry-After': String(retryAfter) },
      );
      return;
    }
    const start = await deps.runner.start('http');
    if (!start.started) {
      if (start.reason === 'stopping') sendError(res, 503, 'the server is shutting down', {}, { Connection: 'close' });
      else
        sendError(res, 409, start.reason === 'running' ? `a refresh is already running (${start.run.trigger}, started ${start.run.startedAt})` : start.detail);
      return;
    }
    lastManualAt = now;
    const run = await start.done;
    if (run.outcome === 'abandoned') {
      sendError(res, 503, 'the server is shutting down; the refresh was abandoned (what it stored is kept)', { run }, { Connection: 'close' });
      return;
    }
    sendJson(res, run.outcome === 'failed' ? 500 : 200, { run }, { 'Cache-Control': 'no-store' });
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
