import type { ServerResponse } from 'node:http';

// Every JSON answer that is not a feed: errors name what was wrong (`parameter` when it was a query
// parameter), so a script can act on them.

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: message, ...extra }, { 'Cache-Control': 'no-store', ...headers });
}
