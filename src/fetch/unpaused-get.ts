import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

// One GET through undici's dispatch() with a handler that never pauses the HTTP/1 parser.
//
// Why not request() and a stream pipeline: when a body stream applies backpressure, undici 7 pauses
// its llhttp parser; if the server's FIN arrives while it is paused (a server that closes right
// after the body, HTTP/1.0 or `Connection: close`), the socket's 'end' handler runs
// `assert(!this.paused)` in Parser.finish and the AssertionError, thrown from an event handler,
// kills the process (nodejs/undici#5360, fixed in undici 8 by #5474, which needs Node 22). The
// parser is only ever paused when a handler asks for it (onHeaders or onData returning false), so a
// handler that never asks can never meet that assertion. The price is that bytes are taken as fast
// as the socket delivers them: the caller must bound them (maxBytes) and keep them somewhere.

export interface ResponseHead {
  status: number;
  headers: IncomingHttpHeaders;
}

/** Where the body's bytes go. `take` says whether to keep reading; 'enough' closes the connection. */
export interface BodySink {
  take(chunk: Buffer): 'more' | 'enough';
}

export interface UnpausedGet {
  url: URL;
  headers: Record<string, string>;
  /** Aborting rejects at once with the signal's reason, even while the connection is still being made. */
  signal?: AbortSignal;
}

/**
 * Resolves with the response head once the body has ended (or was declined, or was enough).
 * `onHead` sees the head first and returns a sink, or 'skip-body' to close the connection unread;
 * an error thrown by `onHead` or by the sink rejects the promise and closes the connection.
 */
export function unpausedGet(dispatcher: Dispatcher, request: UnpausedGet, onHead: (head: ResponseHead) => BodySink | 'skip-body'): Promise<ResponseHead> {
  const { url, signal } = request;
  return new Promise<ResponseHead>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let head: ResponseHead | undefined;
    let sink: BodySink | undefined;
    let settled = false;
    /** Set once we no longer want the exchange; handed to undici as the reason to close the connection. */
    let closeReason: Error | undefined;

    const close = (reason: unknown): void => {
      closeReason ??= reason instanceof Error ? reason : new Error(String(reason));
      controller?.abort(closeReason);
    };
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else if (head !== undefined) resolve(head);
      else reject(new Error(`GET ${url.href} ended without a response`));
    };
    const fail = (error: unknown): void => {
      settle(error);
      close(error);
    };
    const onAbort = (): void => fail(signal?.reason);

    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    // No method here returns false or calls controller.pause(), and none throws: undici turns a
    // throw into an abort *and* a paused parser (core/request.js onData), which is what we avoid.
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(started) {
        controller = started;
        if (closeReason !== undefined) started.abort(closeReason);
      },
      onResponseStart(_controller, status, headers) {
        if (settled || status < 200) return; // 1xx: the final response is still to come
        head = { status, headers };
        try {
          const next = onHead(head);
          if (next === 'skip-body') {
            settle();
            close(new Error('body not read'));
          } else {
            sink = next;
          }
        } catch (error) {
          fail(error);
        }
      },
      onResponseData(_controller, chunk) {
        if (settled || sink === undefined) return;
        try {
          if (sink.take(chunk) === 'enough') {
            settle();
            close(new Error('body read far enough'));
          }
        } catch (error) {
          fail(error);
        }
      },
      onResponseEnd() {
        settle();
      },
      onResponseError(_controller, error) {
        settle(error);
      },
    };
    try {
      dispatcher.dispatch({ origin: url.origin, path: `${url.pathname}${url.search}`, method: 'GET', headers: request.headers }, handler);
    } catch (error) {
      fail(error);
    }
  });
}
