// What the pipeline needs from the fetch layer (src/fetch/ implements it). Fetching never throws for
// network or HTTP trouble: every failure is an `unreadable` result naming its stage and cause.

export type FetchResult =
  | {
      kind: 'ok';
      status: number;
      url: string;
      finalUrl: string;
      fetchedAt: string;
      sha256: string;
      etag?: string;
      lastModified?: string;
      /** The body in memory (pages), or spooled to a file (dumps, when spoolTo was given). */
      body?: Buffer;
      bodyFile?: string;
      bytes: number;
    }
  | { kind: 'not-modified'; status: 304; url: string; finalUrl: string; fetchedAt: string }
  | { kind: 'unreadable'; reason: string; code: string; status?: number; url: string; fetchedAt: string };

export interface FetchOptions {
  maxBytes: number;
  etag?: string;
  lastModified?: string;
  spoolTo?: string;
  signal?: AbortSignal;
}

export interface Fetcher {
  get(url: string, options: FetchOptions): Promise<FetchResult>;
  /** Waits for requests in flight, then closes; `abandonInFlight` drops them instead (shutdown). */
  close(options?: { abandonInFlight?: boolean }): Promise<void>;
}
