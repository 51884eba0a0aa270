import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

// What one client may cost `regwatch serve` (issue 8: 1,500 connections pipelining requests and
// reading nothing grew RSS from 101 to 435 MB). Connections are capped; a connection is dropped
// when a response it asked for is not taken within the write timeout, or when it has queued more
// unanswered requests than a reader ever needs (node:http parses every request in a chunk it has
// read, and keeps each answer in memory until the client reads the one before). node's timeouts
// are set here on purpose rather than inherited.

export interface ConnectionLimits {
  /** Open connections at most; further ones are closed as they arrive. */
  maxConnections: number;
  /** An answered response that the client has not taken within this drops its connection. */
  writeTimeoutMs: number;
  /** Requests one connection may have waiting for their answers at once (pipelined). */
  maxPipelinedRequests: number;
  /** To receive a request's headers (node: 60 s); slow senders (slowloris) are cut off. */
  headersTimeoutMs: number;
  /** To receive a whole request (node: 300 s); the time spent answering it is not counted. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (node: 5 s). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 256,
  writeTimeoutMs: 30_000,
  maxPipelinedRequests: 8,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Options for createServer: the timeouts node checks itself. */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // node checks the two request timeouts on this period (default 30 s, longer than they are).
    connectionsCheckingInterval: Math.min(5_000, limits.headersTimeoutMs),
  };
}

export interface ResponseGuard {
  /** Before routing a request: false when its connection was dropped for queueing too many. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  /** Once the handler has ended the response: the client must take it within the write timeout. */
  answered(req: IncomingMessage, res: ServerResponse): void;
}

export function limitConnections(server: Server, limits: ConnectionLimits, log: (line: string) => void): ResponseGuard {
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const noteDrop = throttled(log, 60_000);
  server.on('drop', (data?: { remoteAddress?: string }) => {
    noteDrop(`serve: connection limit of ${limits.maxConnections} reached: refused a connection from ${data?.remoteAddress ?? 'unknown'}`);
  });
  const noteGreedy = throttled(log, 60_000);
  const noteSlow = throttled(log, 60_000);
  const unanswered = new WeakMap<Socket, number>();

  return {
    admit(req, res) {
      const socket = req.socket;
      const waiting = (unanswered.get(socket) ?? 0) + 1;
      unanswered.set(socket, waiting);
      res.once('close', () => unanswered.set(socket, (unanswered.get(socket) ?? 1) - 1));
      if (waiting <= limits.maxPipelinedRequests) return true;
      noteGreedy(
        `serve: dropped a connection from ${socket.remoteAddress ?? 'unknown'}: more than ${limits.maxPipelinedRequests} unanswered requests pipelined`,
      );
      socket.destroy();
      return false;
    },
    answered(req, res) {
      if (res.writableFinished || req.socket.destroyed) return;
      const timer = setTimeout(() => {
        if (req.socket.destroyed) return;
        noteSlow(`serve: dropped a connection from ${req.socket.remoteAddress ?? 'unknown'}: a response was not read within ${limits.writeTimeoutMs / 1000} s`);
        req.socket.destroy();
      }, limits.writeTimeoutMs);
      timer.unref();
      const clear = (): void => clearTimeout(timer);
      // A response still queued when its connection dies may never emit either: the timer then
      // finds the socket destroyed and does nothing.
      res.once('finish', clear);
      res.once('close', clear);
    },
  };
}

/** One line per interval at most, then how many were left out: a flood of clients must not flood the log. */
function throttled(log: (line: string) => void, intervalMs: number): (line: string) => void {
  let lastAt = -Infinity;
  let leftOut = 0;
  return (line) => {
    const now = Date.now();
    if (now - lastAt < intervalMs) {
      leftOut += 1;
      return;
    }
    log(leftOut > 0 ? `${line} (and ${leftOut} more like it since the last report)` : line);
    lastAt = now;
    leftOut = 0;
  };
}
