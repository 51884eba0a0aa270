import type { ServerResponse } from 'node:http';

// What other sites' scripts may read: the published files, the per-source feeds and /changes.json
// are public data, so any origin may fetch them (Access-Control-Allow-Origin: *, no credentials).
// Their validators and the next page's Link are exposed too. /healthz and /refresh are not shared.

export function isSharedPath(path: string, isPublished: boolean): boolean {
  return isPublished || path === '/changes.json' || path.startsWith('/sources/');
}

export function allowAnyOrigin(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag, Link');
}

/** The preflight a browser sends before a conditional GET (If-None-Match is no CORS-safelisted header). */
export function answerPreflight(res: ServerResponse): void {
  allowAnyOrigin(res);
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
  res.setHeader('Access-Control-Allow-Headers', 'If-None-Match, If-Modified-Since');
  res.setHeader('Access-Control-Max-Age', '86400');
  res.statusCode = 204;
  res.end();
}
