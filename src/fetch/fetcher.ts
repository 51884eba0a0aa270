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
      /** The tap that saw exactly this body, every byte of it, when one was asked for. */
      tapped?: BodyTap;
    }
  | { kind: 'not-modified'; status: 304; url: string; finalUrl: string; fetchedAt: string }
  | { kind: 'unreadable'; reason: string; code: string; status?: number; url: string; fetchedAt: string };

/** Sees a body's bytes as they arrive (a catalogue read during its download). It must not throw. */
export interface BodyTap {
  write(chunk: Buffer): void;
}

export interface FetchOptions {
  maxBytes: number;
  etag?: string;
  lastModified?: string;
  spoolTo?: string;
  signal?: AbortSignal;
  /** A new tap for each 2xx body read (a retry reads a new one), given the URL that answered. */
  tap?: (url: string) => BodyTap;
}

export interface Fetcher {
  get(url: string, options: FetchOptions): Promise<FetchResult>;
  /** Waits for requests in flight, then closes; `abandonInFlight` drops them instead (shutdown). */
  close(options?: { abandonInFlight?: boolean }): Promise<void>;
}
